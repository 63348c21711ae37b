//! API keys: `Authorization: Bearer sk_test_...`, or HTTP Basic with the key as user name.

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::error::ApiError;

/// Only test-mode secret keys are accepted: this server must never look like live mode.
const KEY_PREFIX: &str = "sk_test_";

/// The API key of an authorised request, or the 401 Stripe answers.
pub(crate) fn api_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(missing());
    };
    let value = value.to_str().map_err(|_| invalid("****"))?.trim();
    let key = key_from_header(value).ok_or_else(|| invalid(&redact_header(value)))?;
    if key.is_empty() {
        return Err(missing());
    }
    if key.len() <= KEY_PREFIX.len() || !key.starts_with(KEY_PREFIX) {
        return Err(invalid(&redact_key(&key)));
    }
    Ok(key)
}

/// The key inside a `Bearer` or `Basic` header, or `None` for any other shape.
fn key_from_header(value: &str) -> Option<String> {
    let (scheme, credentials) = value.split_once(' ').unwrap_or((value, ""));
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(credentials.to_owned());
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(credentials).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    // The key is the user name; Stripe's clients send an empty password after the colon.
    let user = decoded
        .split_once(':')
        .map_or(decoded.as_str(), |(user, _)| user);
    Some(user.to_owned())
}

/// A header value safe to log: the scheme, the key's prefix and its last four characters.
pub(crate) fn redact_header(value: &str) -> String {
    match key_from_header(value) {
        Some(key) => {
            let scheme = value.split(' ').next().unwrap_or_default();
            format!("{scheme} {}", redact_key(&key))
        }
        None => "****".to_owned(),
    }
}

/// `sk_live_****abcd`, as Stripe prints keys in its errors.
fn redact_key(key: &str) -> String {
    let prefix_len = key.match_indices('_').nth(1).map_or(0, |(at, _)| at + 1);
    let (prefix, secret) = key.split_at(prefix_len);
    let secret: Vec<char> = secret.chars().collect();
    // The last four are shown only when at least as many stay hidden.
    let shown = if secret.len() >= 8 { 4 } else { 0 };
    let tail: String = secret[secret.len() - shown..].iter().collect();
    format!("{prefix}****{tail}")
}

fn missing() -> ApiError {
    ApiError::unauthorized(
        "You did not provide an API key. You need to provide your API key in the \
         Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    )
}

fn invalid(redacted: &str) -> ApiError {
    ApiError::unauthorized(format!("Invalid API Key provided: {redacted}"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn bearer_test_keys_are_accepted() {
        assert_eq!(
            api_key(&headers("Bearer sk_test_abc")).unwrap(),
            "sk_test_abc"
        );
    }

    #[test]
    fn basic_auth_with_the_key_as_user_is_accepted() {
        let encoded = STANDARD.encode("sk_test_abc:");
        let key = api_key(&headers(&format!("Basic {encoded}"))).unwrap();
        assert_eq!(key, "sk_test_abc");
    }

    #[test]
    fn live_keys_are_refused_with_a_redacted_key() {
        let error = api_key(&headers("Bearer sk_live_1234567890abcd")).unwrap_err();
        assert_eq!(
            error.body()["message"],
            "Invalid API Key provided: sk_live_****abcd"
        );
    }

    #[test]
    fn short_keys_never_show_more_than_they_hide() {
        assert_eq!(redact_key("abc"), "****");
        assert_eq!(redact_key("sk_test_1"), "sk_test_****");
        assert_eq!(redact_key("sk_test_é€xyz1234"), "sk_test_****1234");
    }

    #[test]
    fn logged_headers_keep_only_the_last_four_characters() {
        assert_eq!(
            redact_header("Bearer sk_test_secret1234"),
            "Bearer sk_test_****1234"
        );
    }
}
