//! Validation of values that arrive in requests. Each function returns the normalised value
//! or a message for a 400 `invalid_input`; [`Text`] is what request bodies' strings are.

use std::borrow::Cow;

use poem_openapi::registry::MetaSchemaRef;
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use serde_json::Value;

use crate::config::ReposConfig;

/// A string of a request body, and only a string. poem-openapi's `String` also takes a JSON
/// number or boolean and makes it text (`{"secret": 123}` would store the secret `"123"`);
/// the document says `string`, so anything else is a 400 `bad_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Text> for String {
    fn from(text: Text) -> Self {
        text.0
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl Type for Text {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        String::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        String::schema_ref()
    }

    fn as_raw_value(&self) -> Option<&String> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a String> + 'a> {
        Box::new(std::iter::once(&self.0))
    }
}

impl ParseFromJSON for Text {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            Value::String(text) => Ok(Self(text)),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

impl ToJSON for Text {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.0.clone()))
    }
}

/// Longest accepted instruction, in characters.
pub const MAX_INSTRUCTION_CHARS: usize = 20_000;

/// Trims and lowercases an email; checks its shape.
pub fn email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        });
    if !valid {
        return Err("email must look like name@example.com".into());
    }
    Ok(email)
}

/// Checks a new password's length (8 to 1024 bytes).
pub fn password(raw: &str) -> Result<(), String> {
    if raw.len() < 8 {
        return Err("password must be at least 8 characters".into());
    }
    if raw.len() > 1024 {
        return Err("password must be at most 1024 bytes".into());
    }
    Ok(())
}

/// Trims a display name; 1 to 100 characters, no control characters.
pub fn name(field: &str, raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(format!("{field} must be 1 to 100 printable characters"));
    }
    Ok(name.to_owned())
}

/// Trims an instruction; must not be empty.
pub fn instruction(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("instruction must not be empty".into());
    }
    if text.chars().count() > MAX_INSTRUCTION_CHARS {
        return Err(format!(
            "instruction must be at most {MAX_INSTRUCTION_CHARS} characters"
        ));
    }
    Ok(text.to_owned())
}

/// A sprint label: 1 to 64 of letters, digits, `-`, `_`, `.`, space.
pub fn sprint(raw: &str) -> Result<String, String> {
    let label = raw.trim();
    let valid = !label.is_empty()
        && label.len() <= 64
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '));
    if !valid {
        return Err("sprint must be 1 to 64 letters, digits, '-', '_', '.' or spaces".into());
    }
    Ok(label.to_owned())
}

/// A branch name git would accept, conservatively.
pub fn branch(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let valid = !name.is_empty()
        && name.len() <= 200
        && !name.starts_with(['-', '/', '.'])
        && !name.ends_with(['/', '.'])
        && !name.ends_with(".lock")
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if !valid {
        return Err("default_branch is not a valid branch name".into());
    }
    Ok(name.to_owned())
}

/// A repository URL: `https://`, `http://` (if allowed), or a local absolute path or
/// `file://` URL (if allowed). Credentials in the URL are refused: they belong in the
/// credential store, never in a URL that ends up in logs.
pub fn repo_url(raw: &str, rules: &ReposConfig) -> Result<String, String> {
    let url = raw.trim();
    if url.is_empty()
        || url.len() > 2048
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err("url must be a non-empty URL without spaces".into());
    }
    let local = || {
        if rules.allow_local {
            Ok(url.to_owned())
        } else {
            Err("local repositories are disabled on this server (repos.allow_local)".to_owned())
        }
    };
    if url.starts_with('/') {
        return local();
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("url must start with https:// (or be an absolute path where allowed)".into());
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if rules.allow_http => {}
        "http" => return Err("plain http:// URLs are disabled on this server".into()),
        "file" if rest.starts_with('/') => return local(),
        _ => return Err(format!("unsupported URL scheme `{scheme}`; use https://")),
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() {
        return Err("url has no host".into());
    }
    if authority.contains('@') {
        return Err("url must not contain credentials; store them with PUT /v1/credentials".into());
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_only_a_string() {
        assert_eq!(
            Text::parse_from_json(Some(Value::from("a"))).ok(),
            Some(Text::from("a"))
        );
        for other in [Value::from(123), Value::from(true), Value::Null] {
            assert!(Text::parse_from_json(Some(other)).is_err());
        }
        assert!(Text::parse_from_json(None).is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(email("  Ada@Example.COM ").unwrap(), "ada@example.com");
        for bad in ["", "ada", "@x", "a@", "a b@x", "a@b@c"] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls() {
        let strict = ReposConfig {
            allow_local: false,
            allow_http: false,
        };
        let open = ReposConfig {
            allow_local: true,
            allow_http: true,
        };
        assert!(repo_url("https://github.com/a/b.git", &strict).is_ok());
        assert!(repo_url("http://git.local/a.git", &strict).is_err());
        assert!(repo_url("http://git.local/a.git", &open).is_ok());
        assert!(repo_url("/srv/git/a.git", &strict).is_err());
        assert!(repo_url("/srv/git/a.git", &open).is_ok());
        assert!(repo_url("file:///srv/git/a.git", &open).is_ok());
        assert!(repo_url("file:///srv/git/a.git", &strict).is_err());
        assert!(repo_url("https://user:token@github.com/a/b.git", &open).is_err());
        assert!(repo_url("ssh://git@github.com/a/b.git", &open).is_err());
        assert!(repo_url("relative/path", &open).is_err());
        assert!(repo_url("https://", &open).is_err());
    }

    #[test]
    fn branches_and_labels() {
        assert!(branch("main").is_ok());
        assert!(branch("release/1.2").is_ok());
        for bad in ["", "-x", "a..b", "a/", "x.lock", "a b", "a@{1}"] {
            assert!(branch(bad).is_err(), "{bad}");
        }
        assert!(sprint("2026-W49").is_ok());
        assert!(sprint("a;drop").is_err());
        assert!(instruction("   ").is_err());
    }
}
