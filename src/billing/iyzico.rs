//! Iyzico.
