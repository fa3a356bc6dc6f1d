//! Timestamps as k8s-openapi's `Time` and `MicroTime` take them: jiff's
//! Temporal (RFC 3339 / RFC 9557) grammar, without jiff. Which texts are
//! accepted follows jiff's parser; the message for a rejected one is ours
//! (jiff's nested parser messages are not reproduced: `schema_diff` lists
//! this difference).

pub fn check(text: &str) -> Result<(), String> {
    if parse(text.as_bytes()).is_some() {
        Ok(())
    } else {
        Err(format!(
            "invalid timestamp {text:?}: expected RFC 3339, such as \"2024-01-31T12:00:00Z\""
        ))
    }
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.0 = &self.0[1..];
            true
        } else {
            false
        }
    }

    /// `n` ASCII digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let (head, tail) = (self.0.get(..n)?, &self.0[n..]);
        let mut v = 0u32;
        for &b in head {
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(b - b'0');
        }
        self.0 = tail;
        Some(v)
    }

    /// Two digits follow.
    fn two_digits_next(&self) -> bool {
        self.0.len() >= 2 && self.0[..2].iter().all(u8::is_ascii_digit)
    }
}

fn parse(input: &[u8]) -> Option<()> {
    let mut c = Cursor(input);
    // Date.
    let year = match c.peek() {
        Some(s @ (b'+' | b'-')) => {
            c.0 = &c.0[1..];
            let y = c.digits(6)?;
            if y == 0 && s == b'-' {
                return None;
            }
            if s == b'-' { -(y as i64) } else { y as i64 }
        }
        _ => i64::from(c.digits(4)?),
    };
    if !(-9999..=9999).contains(&year) {
        return None;
    }
    let extended = c.eat(b'-');
    let month = c.digits(2)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    if extended {
        if !c.eat(b'-') {
            return None;
        }
    } else if c.peek() == Some(b'-') {
        return None;
    }
    let day = c.digits(2)?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return None;
    }
    // Time: required for a timestamp.
    if !matches!(c.peek(), Some(b'T' | b't' | b' ')) {
        return None;
    }
    c.0 = &c.0[1..];
    if c.digits(2)? > 23 {
        return None;
    }
    minutes_seconds(&mut c, 60)?;
    // Offset: required for a timestamp.
    match c.peek() {
        Some(b'Z' | b'z') => c.0 = &c.0[1..],
        Some(b'+' | b'-') => {
            c.0 = &c.0[1..];
            if c.digits(2)? > 25 {
                return None;
            }
            minutes_seconds(&mut c, 59)?;
        }
        _ => return None,
    }
    // Annotations (`[UTC]`), then nothing.
    while c.eat(b'[') {
        let end = c.0.iter().position(|&b| b == b']')?;
        if end == 0 {
            return None;
        }
        c.0 = &c.0[end + 1..];
    }
    c.0.is_empty().then_some(())
}

/// After the hours of a time or an offset: `:MM` (or `MM` in the basic
/// format), then `:SS` up to `max_second`, then a fraction; each optional.
fn minutes_seconds(c: &mut Cursor, max_second: u32) -> Option<()> {
    let extended = c.peek() == Some(b':');
    let more = |c: &mut Cursor| {
        if extended {
            c.eat(b':')
        } else {
            c.two_digits_next()
        }
    };
    if more(c) {
        if c.digits(2)? > 59 {
            return None;
        }
        if more(c) {
            if c.digits(2)? > max_second {
                return None;
            }
            fraction(c)?;
        }
    }
    Some(())
}

/// `.123` or `,123`: one to nine digits, if any.
fn fraction(c: &mut Cursor) -> Option<()> {
    if !(c.eat(b'.') || c.eat(b',')) {
        return Some(());
    }
    let n =
        c.0.iter()
            .take(9)
            .take_while(|b| b.is_ascii_digit())
            .count();
    if n == 0 {
        return None;
    }
    c.0 = &c.0[n..];
    Some(())
}
