//! The compact copy of a segment's vectors that exact search scans first: 8-bit codes with a
//! per-vector error bound, so that one pass over a quarter of the bytes yields an interval
//! that surely holds each point's `f32` score, and only the points whose interval reaches
//! the `limit`-th best are scored in `f32`.
//!
//! # Why the result is exact
//! A stored vector `x` is kept as codes `q` (`i8`) and a scale `s`, and its residual norm
//! `e = ‖x − s·q‖` (computed in `f64`, rounded up). A query `y` is coded the same way in `i16`
//! (`y = t·r + f`, residual `f`). Then, in real arithmetic,
//!
//! `x·y = s·t·(q·r) + s·(q·f) + (x − s·q)·y`, so `|x·y − s·t·(q·r)| ≤ e·‖y‖ + ‖s·q‖·‖f‖`
//!
//! (Cauchy–Schwarz twice). `q·r` is an exact integer sum. The `f32` score the plain scan
//! would compute ([`orchard_actors::memory::dot`]) differs from `x·y` by at most
//! `γ·‖x‖·‖y‖` (rounding of a sum of `d` products, `γ ≈ d·2⁻²⁴`); that, and the rounding of
//! the estimate itself, is the `slack`. So every point's `f32` score lies in
//! `[estimate − bound, estimate + bound]`.
//!
//! The scan keeps the `limit` best lower bounds; their smallest, `τ`, is a score at least
//! `limit` points reach. A point whose upper bound is below `τ` is beaten by `limit` points
//! and cannot be among the best; every other point is a candidate, scored in `f32` with the
//! same `dot` as the plain scan, best upper bound first, until the next upper bound is below
//! the `limit`-th exact score. The result is the plain scan's top `limit`, ties (ordered by
//! id) included, whatever the data: on data that defeats the bound (many points within the
//! quantisation error of each other) more points are re-scored, never fewer.
//!
//! # Kernel
//! The integer dot product is 16 `i8` codes widened to `i16` and multiplied-and-added in
//! pairs into `i32` lanes (AVX2 `vpmovsxbw` + `vpmaddwd`), four rows at a time, chosen at run
//! time through `pulp`'s safe feature detection; other CPUs run the same arithmetic in
//! portable lanes the compiler vectorises for the baseline target. Both give the same
//! integer.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Codes per block of the kernel: each vector's codes are zero-padded to a multiple of it.
const BLOCK: usize = 32;

/// The largest `|code|` of a stored vector.
const CODE_MAX: f32 = 127.0;

/// Unit roundoff of `f32` (half its epsilon).
const UNIT_ROUNDOFF: f64 = f32::EPSILON as f64 / 2.0;

/// The 8-bit copy of a segment's vectors, slot for slot.
#[derive(Debug, Clone)]
pub struct Codes {
    dimensions: usize,
    /// `dimensions` rounded up to [`BLOCK`].
    stride: usize,
    /// Slot-major: slot `i`'s codes are `codes[i * stride..][..stride]`, the padding zero.
    codes: Vec<i8>,
    /// Per slot: `x ≈ scale · codes`.
    scales: Vec<f32>,
    /// Per slot: an upper bound of `‖x − scale · codes‖`.
    errors: Vec<f32>,
    /// An upper bound of `‖x‖` and of `‖scale · codes‖` over every vector ever stored here
    /// (it never shrinks, which only loosens the bound).
    max_norm: f32,
}

/// A query, coded for the scan.
#[derive(Debug, Clone)]
pub struct CodedQuery {
    /// `i16` codes, zero-padded to the stride.
    codes: Vec<i16>,
    scale: f32,
    /// Bounds every point's `|f32 score − estimate| − its own error · ‖y‖`.
    shared_bound: f32,
    /// An upper bound of `‖y‖`.
    norm: f32,
}

/// A point that may be among the best: its upper bound and slot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// No point's `f32` score is above it.
    pub upper: f32,
    /// The point's slot (its index in the order the vectors were set).
    pub slot: usize,
}

/// An `f32` ordered by `total_cmp`, for the heap of lower bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Lower(f32);
impl Eq for Lower {}
impl PartialOrd for Lower {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Lower {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: the heap's top is the smallest lower bound.
        other.0.total_cmp(&self.0)
    }
}

/// `x` as an `f32` no smaller than it.
fn round_up(x: f64) -> f32 {
    let rounded = x as f32;
    if f64::from(rounded) >= x {
        rounded
    } else {
        rounded.next_up()
    }
}

/// The Euclidean norm, in four independent sums (one serial chain of 384 additions was most
/// of the time a replay spent coding vectors).
fn norm(x: impl Iterator<Item = f64>) -> f64 {
    let mut sums = [0.0f64; 4];
    for (i, v) in x.enumerate() {
        sums[i % 4] += v * v;
    }
    (sums[0] + sums[1] + (sums[2] + sums[3])).sqrt()
}

/// `x` rounded to the nearest integer and clamped to `±max`, without `f32::round` (a libm
/// call on baseline x86-64). Any rounding would do: the residual is measured afterwards.
#[inline(always)]
fn round_to_code(x: f32, max: f32) -> i32 {
    (x + 0.5f32.copysign(x)).clamp(-max, max) as i32
}

impl Codes {
    /// An empty copy for `dimensions`-wide vectors.
    pub fn new(dimensions: usize) -> Self {
        Self {
            dimensions,
            stride: dimensions.next_multiple_of(BLOCK),
            codes: Vec::new(),
            scales: Vec::new(),
            errors: Vec::new(),
            max_norm: 0.0,
        }
    }

    /// Reserves room for `additional` more vectors.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.codes.reserve(additional * self.stride);
        self.scales.reserve(additional);
        self.errors.reserve(additional);
    }

    /// Whether it holds no vector.
    pub fn is_empty(&self) -> bool {
        self.scales.is_empty()
    }

    /// How many vectors.
    pub fn len(&self) -> usize {
        self.scales.len()
    }

    /// Bytes of memory held (capacity).
    pub fn memory_bytes(&self) -> usize {
        self.codes.capacity() + (self.scales.capacity() + self.errors.capacity()) * 4
    }

    /// Codes `vector` into slot `slot` (`slot == len()` appends).
    pub fn set(&mut self, slot: usize, vector: &[f32]) {
        debug_assert_eq!(vector.len(), self.dimensions);
        if slot == self.len() {
            self.codes.resize(self.codes.len() + self.stride, 0);
            self.scales.push(0.0);
            self.errors.push(0.0);
        }
        let largest = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let scale = if largest > 0.0 {
            largest / CODE_MAX
        } else {
            0.0
        };
        let codes = &mut self.codes[slot * self.stride..][..self.dimensions];
        let inverse = if scale > 0.0 { 1.0 / scale } else { 0.0 };
        for (code, x) in codes.iter_mut().zip(vector) {
            *code = round_to_code(x * inverse, CODE_MAX) as i8;
        }
        let scale64 = f64::from(scale);
        let error = norm(
            vector
                .iter()
                .zip(codes.iter())
                .map(|(x, q)| f64::from(*x) - scale64 * f64::from(*q)),
        );
        let coded = norm(codes.iter().map(|q| scale64 * f64::from(*q)));
        let exact = norm(vector.iter().map(|x| f64::from(*x)));
        // The f64 sums are far more precise than the margin added here.
        let margin = 1.0 + 1e-9;
        self.scales[slot] = scale;
        self.errors[slot] = round_up(error * margin);
        self.max_norm = self.max_norm.max(round_up(coded.max(exact) * margin));
    }

    /// Moves slot `from`'s codes into slot `to` (for a swap-remove).
    pub(crate) fn copy(&mut self, from: usize, to: usize) {
        self.codes.copy_within(
            from * self.stride..(from + 1) * self.stride,
            to * self.stride,
        );
        self.scales[to] = self.scales[from];
        self.errors[to] = self.errors[from];
    }

    /// Keeps the first `len` vectors.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.codes.truncate(len * self.stride);
        self.scales.truncate(len);
        self.errors.truncate(len);
    }

    /// Codes a query vector for [`Self::candidates`].
    pub fn code_query(&self, query: &[f32]) -> CodedQuery {
        debug_assert_eq!(query.len(), self.dimensions);
        // Every partial sum of `q·r` stays below `stride · 127 · code_max` in magnitude.
        let code_max = (i32::MAX as usize / (127 * self.stride)).min(i16::MAX as usize) as f32;
        let largest = query.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let scale = if largest > 0.0 {
            largest / code_max
        } else {
            0.0
        };
        let mut codes = vec![0i16; self.stride];
        let inverse = if scale > 0.0 { 1.0 / scale } else { 0.0 };
        for (code, y) in codes.iter_mut().zip(query) {
            *code = round_to_code(y * inverse, code_max) as i16;
        }
        let scale64 = f64::from(scale);
        let residual = norm(
            query
                .iter()
                .zip(&codes)
                .map(|(y, r)| f64::from(*y) - scale64 * f64::from(*r)),
        );
        let query_norm = norm(query.iter().map(|y| f64::from(*y)));
        let max_norm = f64::from(self.max_norm);
        // The plain scan's rounding: each lane of `dot` adds d/16 products, then 16 lanes and
        // the remainder are summed: no more than d + 32 roundings, each at most the unit
        // roundoff of ‖x‖·‖y‖; plus a few for the estimate and the bound themselves. Twice
        // that, to leave no doubt.
        let roundings = (self.dimensions + 32 + 8) as f64;
        let slack = 2.0 * roundings * UNIT_ROUNDOFF * max_norm * query_norm;
        let shared = max_norm * residual + slack;
        CodedQuery {
            codes,
            scale,
            shared_bound: round_up(shared * (1.0 + 1e-9)),
            norm: round_up(query_norm * (1.0 + 1e-9)),
        }
    }

    /// Every point that may be among the `limit` best for `query` (those `keep` accepts),
    /// with its upper bound, best first. See the module's documentation for why no point of
    /// the exact top `limit` is left out.
    pub fn candidates(
        &self,
        query: &CodedQuery,
        limit: usize,
        keep: impl Fn(usize) -> bool,
    ) -> Vec<Candidate> {
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        if let Some(simd) = pulp::x86::V3::try_new() {
            return simd.vectorize(
                #[inline(always)]
                || self.scan(query, limit, keep, avx2::Kernel(simd)),
            );
        }
        self.scan(query, limit, keep, Portable)
    }

    /// The centre of the interval [`Self::candidates`] gives `slot` for `query`
    /// (`scale · t · (q·r)`, no bound): what the approximate index steers by.
    pub(crate) fn estimate(&self, query: &CodedQuery, slot: usize) -> f32 {
        let row = &self.codes[slot * self.stride..][..self.stride];
        integer_dot(row, &query.codes) as f32 * (self.scales[slot] * query.scale)
    }

    /// Slot `slot`'s own codes as a query, for [`Self::estimate`]s of other slots against it
    /// (the approximate index compares stored vectors with each other). Its bound is
    /// infinite: given to [`Self::candidates`] it would keep every point, never drop one.
    pub(crate) fn slot_query(&self, slot: usize) -> CodedQuery {
        let row = &self.codes[slot * self.stride..][..self.stride];
        CodedQuery {
            codes: row.iter().map(|&c| i16::from(c)).collect(),
            scale: self.scales[slot],
            shared_bound: f32::INFINITY,
            norm: f32::INFINITY,
        }
    }

    /// The pre-pass: `kernel` gives the integer dot products of [`ROWS`] rows' codes with the
    /// query's (fewer at the end, the rest zero).
    #[inline(always)]
    fn scan(
        &self,
        query: &CodedQuery,
        limit: usize,
        keep: impl Fn(usize) -> bool,
        kernel: impl Kernel,
    ) -> Vec<Candidate> {
        let mut lowers: BinaryHeap<Lower> = BinaryHeap::with_capacity(limit + 1);
        let mut floor = f32::NEG_INFINITY;
        let mut out = Vec::new();
        let groups = self.codes.chunks(ROWS * self.stride);
        let group_bytes = ROWS * self.stride;
        for (group, rows) in groups.enumerate() {
            let ahead = group * group_bytes + PREFETCH_AHEAD;
            if let Some(next) = self
                .codes
                .get(ahead..(ahead + group_bytes).min(self.codes.len()))
            {
                kernel.prefetch(next);
            }
            let dots = kernel.dots(rows, &query.codes);
            let first = group * ROWS;
            let count = rows.len() / self.stride;
            let scales = &self.scales[first..first + count];
            let errors = &self.errors[first..first + count];
            for (i, ((dot, scale), error)) in dots.iter().zip(scales).zip(errors).enumerate() {
                let estimate = *dot as f32 * (scale * query.scale);
                let bound = error * query.norm + query.shared_bound;
                let upper = estimate + bound;
                let slot = first + i;
                if upper < floor || !keep(slot) {
                    continue;
                }
                out.push(Candidate { upper, slot });
                let lower = estimate - bound;
                if lowers.len() < limit {
                    lowers.push(Lower(lower));
                } else if lowers.peek().is_some_and(|l| lower > l.0) {
                    lowers.pop();
                    lowers.push(Lower(lower));
                }
                if lowers.len() == limit {
                    floor = lowers.peek().map_or(f32::NEG_INFINITY, |l| l.0);
                }
            }
        }
        out.retain(|c| c.upper >= floor);
        out.sort_unstable_by(|a, b| b.upper.total_cmp(&a.upper).then(a.slot.cmp(&b.slot)));
        out
    }
}

/// Rows of codes the kernels take at a time (sharing the query's loads).
const ROWS: usize = 4;

/// The integer dot products of up to [`ROWS`] rows of codes with a query's (the rest zero).
/// Implementations are `#[inline(always)]` down to the intrinsics: the AVX2 one is compiled
/// with AVX2 enabled only where it is inlined into `V3::vectorize`, and a call (a closure
/// is not always inlined) would lose that, leaving every intrinsic a function call.
trait Kernel: Copy {
    fn dots(self, rows: &[i8], query: &[i16]) -> [i32; ROWS];

    /// Asks for `bytes` to be brought into cache (a hint; it reads nothing itself).
    fn prefetch(self, bytes: &[i8]);
}

/// How far ahead of the scan [`Kernel::prefetch`] asks for codes: the hardware prefetcher
/// stops at every 4 KiB page, a software hint does not.
const PREFETCH_AHEAD: usize = 8 * 1024;

/// [`portable_dots`].
#[derive(Debug, Clone, Copy)]
struct Portable;

impl Kernel for Portable {
    #[inline(always)]
    fn dots(self, rows: &[i8], query: &[i16]) -> [i32; ROWS] {
        portable_dots(rows, query)
    }

    #[inline(always)]
    fn prefetch(self, _bytes: &[i8]) {}
}

/// `codes · query` of one row, in portable code: lanes the compiler vectorises for any
/// target.
#[inline(always)]
fn portable_dot(codes: &[i8], query: &[i16]) -> i32 {
    let mut sums = [0i32; 16];
    for (c, q) in codes
        .as_chunks::<16>()
        .0
        .iter()
        .zip(query.as_chunks::<16>().0)
    {
        for lane in 0..16 {
            sums[lane] += i32::from(c[lane]) * i32::from(q[lane]);
        }
    }
    sums.iter().sum()
}

/// `row · query` for one row, with the best kernel the CPU has.
fn integer_dot(row: &[i8], query: &[i16]) -> i32 {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    if let Some(simd) = pulp::x86::V3::try_new() {
        return simd.vectorize(
            #[inline(always)]
            || avx2::dots(simd, row, query)[0],
        );
    }
    portable_dot(row, query)
}

/// [`portable_dot`] of each row in `rows` (up to [`ROWS`] of them, each `query.len()` long).
#[inline(always)]
fn portable_dots(rows: &[i8], query: &[i16]) -> [i32; ROWS] {
    let mut out = [0; ROWS];
    for (dot, row) in out.iter_mut().zip(rows.chunks_exact(query.len())) {
        *dot = portable_dot(row, query);
    }
    out
}

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
mod avx2 {
    //! The AVX2 kernel: 16 codes widened to `i16` (`vpmovsxbw`), multiplied with the query's
    //! and added in pairs into eight `i32` lanes (`vpmaddwd`), four rows at a time so each
    //! query block is loaded once for four rows.

    use pulp::bytemuck::cast;
    use pulp::x86::V3;
    use pulp::{i8x16, i16x16, i32x8};

    use super::{BLOCK, ROWS};

    /// The AVX2 [`super::Kernel`]: holding a `V3` proves the CPU has AVX2.
    #[derive(Debug, Clone, Copy)]
    pub(super) struct Kernel(pub(super) V3);

    impl super::Kernel for Kernel {
        #[inline(always)]
        fn dots(self, rows: &[i8], query: &[i16]) -> [i32; ROWS] {
            dots(self.0, rows, query)
        }

        #[inline(always)]
        fn prefetch(self, bytes: &[i8]) {
            #[cfg(target_arch = "x86")]
            use core::arch::x86::_MM_HINT_T0;
            #[cfg(target_arch = "x86_64")]
            use core::arch::x86_64::_MM_HINT_T0;
            for line in bytes.chunks(64) {
                self.0.sse._mm_prefetch::<_MM_HINT_T0>(line.as_ptr());
            }
        }
    }

    #[inline(always)]
    fn step(simd: V3, acc: i32x8, codes: &[i8; BLOCK], query: &[i16; BLOCK]) -> i32x8 {
        let (c0, c1) = codes.split_at(16);
        let (q0, q1) = query.split_at(16);
        let c0: [i8; 16] = c0.try_into().expect("16 codes");
        let c1: [i8; 16] = c1.try_into().expect("16 codes");
        let q0: [i16; 16] = q0.try_into().expect("16 codes");
        let q1: [i16; 16] = q1.try_into().expect("16 codes");
        let p0 = simd.multiply_wrapping_add_adjacent_i16x16(
            simd.convert_i8x16_to_i16x16(cast::<_, i8x16>(c0)),
            cast::<_, i16x16>(q0),
        );
        let p1 = simd.multiply_wrapping_add_adjacent_i16x16(
            simd.convert_i8x16_to_i16x16(cast::<_, i8x16>(c1)),
            cast::<_, i16x16>(q1),
        );
        simd.wrapping_add_i32x8(acc, simd.wrapping_add_i32x8(p0, p1))
    }

    #[inline(always)]
    fn sum(lanes: i32x8) -> i32 {
        let lanes: [i32; 8] = cast(lanes);
        lanes.iter().fold(0i32, |a, b| a.wrapping_add(*b))
    }

    /// `row · query` for each of the (up to [`ROWS`]) rows in `rows`.
    #[inline(always)]
    pub(super) fn dots(simd: V3, rows: &[i8], query: &[i16]) -> [i32; ROWS] {
        let stride = query.len();
        let query = query.as_chunks::<BLOCK>().0;
        let zero = simd.splat_i32x8(0);
        if rows.len() == ROWS * stride {
            let (r01, r23) = rows.split_at(2 * stride);
            let (r0, r1) = r01.split_at(stride);
            let (r2, r3) = r23.split_at(stride);
            let mut acc = [zero; ROWS];
            let blocks = query
                .iter()
                .zip(r0.as_chunks::<BLOCK>().0)
                .zip(r1.as_chunks::<BLOCK>().0)
                .zip(r2.as_chunks::<BLOCK>().0)
                .zip(r3.as_chunks::<BLOCK>().0);
            for ((((q, c0), c1), c2), c3) in blocks {
                acc[0] = step(simd, acc[0], c0, q);
                acc[1] = step(simd, acc[1], c1, q);
                acc[2] = step(simd, acc[2], c2, q);
                acc[3] = step(simd, acc[3], c3, q);
            }
            return acc.map(sum);
        }
        let mut out = [0; ROWS];
        for (dot, row) in out.iter_mut().zip(rows.chunks_exact(stride)) {
            let mut acc = zero;
            for (q, c) in query.iter().zip(row.as_chunks::<BLOCK>().0) {
                acc = step(simd, acc, c, q);
            }
            *dot = sum(acc);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> f32 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((*seed >> 40) as f32 / (1u64 << 24) as f32) - 0.5
    }

    #[test]
    fn the_kernels_agree_and_do_not_overflow() {
        for dims in [1, 7, 16, 33, 384, 1536, 4096] {
            let mut codes = Codes::new(dims);
            let mut seed = dims as u64;
            // The extremes: every code ±127, the query at its largest code everywhere.
            let spiky: Vec<f32> = (0..dims)
                .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
                .collect();
            codes.set(0, &spiky);
            let random: Vec<f32> = (0..dims).map(|_| lcg(&mut seed)).collect();
            codes.set(1, &random);
            for query in [spiky.clone(), random.clone()] {
                let coded = codes.code_query(&query);
                for row in codes.codes.chunks_exact(codes.stride) {
                    let portable = portable_dot(row, &coded.codes);
                    let wide: i64 = row
                        .iter()
                        .zip(&coded.codes)
                        .map(|(c, q)| i64::from(*c) * i64::from(*q))
                        .sum();
                    assert_eq!(i64::from(portable), wide, "{dims}");
                    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
                    if let Some(simd) = pulp::x86::V3::try_new() {
                        assert_eq!(integer_dot(row, &coded.codes), portable, "{dims}");
                        let four: Vec<i8> = codes.codes.repeat(2);
                        let dots = avx2::dots(simd, &four, &coded.codes);
                        assert_eq!(dots, portable_dots(&four, &coded.codes), "{dims}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_bound_holds_for_every_point() {
        let dims = 384;
        let mut codes = Codes::new(dims);
        let mut seed = 3;
        let vectors: Vec<Vec<f32>> = (0..500)
            .map(|i| {
                let mut v: Vec<f32> = (0..dims).map(|_| lcg(&mut seed)).collect();
                if i % 5 == 0 {
                    v[i % dims] = 40.0; // one large component: coarse codes elsewhere
                }
                orchard_actors::memory::normalize(&mut v);
                v
            })
            .collect();
        for (slot, v) in vectors.iter().enumerate() {
            codes.set(slot, v);
        }
        for q in vectors.iter().take(50) {
            let coded = codes.code_query(q);
            let all = codes.candidates(&coded, vectors.len(), |_| true);
            assert_eq!(all.len(), vectors.len());
            for c in all {
                let exact = orchard_actors::memory::dot(q, &vectors[c.slot]);
                assert!(c.upper >= exact, "{} < {exact}", c.upper);
            }
        }
    }
}
