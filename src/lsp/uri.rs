//! `file:` URIs ⇄ paths. Clients spell the same file differently (VS Code
//! escapes `:` and `@`, Neovim does not), so the server keys files by one
//! normal form: the decoded path re-encoded with only unreserved characters
//! and `/` left as they are.

/// The `file:` URI of an absolute path.
pub fn from_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::from("file://");
    if !path.starts_with('/') {
        out.push('/');
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path of a `file:` URI; `None` for other schemes or bad escapes.
pub fn to_path(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("file://")?;
    // `file://host/path`: only the empty host and localhost name this machine.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = rest.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(out).ok()?;
    // `/c:/x` is a Windows drive path.
    let b = path.as_bytes();
    if b.len() > 2 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
        return Some(path[1..].to_string());
    }
    Some(path)
}

/// The key of a URI: `file:` URIs in normal form, others as they are.
pub fn normalize(uri: &str) -> String {
    match to_path(uri) {
        Some(p) => from_path(&p),
        None => uri.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_normalizes() {
        assert_eq!(from_path("/a b/ü.yaml"), "file:///a%20b/%C3%BC.yaml");
        assert_eq!(to_path("file:///a%20b/%C3%BC.yaml").unwrap(), "/a b/ü.yaml");
        assert_eq!(
            normalize("file:///c%3A/x@1.yaml"),
            normalize("file:///c:/x%401.yaml")
        );
        assert_eq!(to_path("file:///c%3A/x.yaml").unwrap(), "c:/x.yaml");
        assert_eq!(to_path("untitled:Untitled-1"), None);
        assert_eq!(normalize("untitled:Untitled-1"), "untitled:Untitled-1");
        assert_eq!(to_path("file:///bad%zz"), None);
    }
}
