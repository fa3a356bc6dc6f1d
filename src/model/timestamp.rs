//! RFC 3339 timestamps as k8s-openapi's `Time` reads them (jiff's parser).

pub fn check(_text: &str) -> Result<(), String> {
    Ok(())
}
