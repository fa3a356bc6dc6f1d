//! saphyr-parser's string input with every count in characters.
//!
//! The scanner's markers count characters (`Marker::index`, which every
//! position of the slow path is built from), and it advances them by what
//! its input says it consumed. `StrInput::fetch_while_is_yaml_non_space`
//! (0.3.4) returns bytes, and the scanner reads it for a directive's name
//! and a reserved directive's parameters, so after `%ééé` every later
//! marker of the document was three characters too far: a key's position
//! past the end of the text (a panic in the checks around keys, found by
//! fuzzing `config`) or a finding on the wrong character. [`Chars`] is
//! `StrInput` with that count in characters; everything else is passed
//! through, so the scanner keeps `StrInput`'s fast paths.

use saphyr_parser::input::SkipTabs;
use saphyr_parser::{Input, StrInput};

pub struct Chars<'a>(StrInput<'a>);

impl<'a> Chars<'a> {
    pub fn new(text: &'a str) -> Self {
        Chars(StrInput::new(text))
    }
}

/// `Input` methods that `Chars` hands to `StrInput` as they are: every one
/// `StrInput` implements itself, so the scanner keeps its fast paths.
macro_rules! pass_through {
    ($($receiver:ident fn $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?;)*) => {
        $(pass_through!(@$receiver $name($($arg: $ty),*) $(-> $ret)?);)*
    };
    (@shared $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?) => {
        #[inline]
        fn $name(&self, $($arg: $ty),*) $(-> $ret)? {
            self.0.$name($($arg),*)
        }
    };
    (@unique $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?) => {
        #[inline]
        fn $name(&mut self, $($arg: $ty),*) $(-> $ret)? {
            self.0.$name($($arg),*)
        }
    };
}

impl Input for Chars<'_> {
    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        let from = out.len();
        self.0.fetch_while_is_yaml_non_space(out);
        out[from..].chars().count()
    }

    pass_through! {
        unique fn lookahead(count: usize);
        shared fn buflen() -> usize;
        shared fn bufmaxlen() -> usize;
        shared fn buf_is_empty() -> bool;
        unique fn raw_read_ch() -> char;
        unique fn raw_read_non_breakz_ch() -> Option<char>;
        unique fn skip();
        unique fn skip_n(count: usize);
        shared fn peek() -> char;
        shared fn peek_nth(n: usize) -> char;
        shared fn peek_opt() -> Option<char>;
        unique fn look_ch() -> char;
        shared fn next_char_is(c: char) -> bool;
        shared fn nth_char_is(n: usize, c: char) -> bool;
        shared fn next_2_are(c1: char, c2: char) -> bool;
        shared fn next_3_are(c1: char, c2: char, c3: char) -> bool;
        shared fn next_is_document_indicator() -> bool;
        shared fn next_is_document_start() -> bool;
        shared fn next_is_document_end() -> bool;
        unique fn skip_ws_to_eol(skip_tabs: SkipTabs) -> (usize, Result<SkipTabs, &'static str>);
        shared fn next_can_be_plain_scalar(in_flow: bool) -> bool;
        shared fn next_is_blank_or_break() -> bool;
        shared fn next_is_blank_or_breakz() -> bool;
        shared fn next_is_blank() -> bool;
        shared fn next_is_break() -> bool;
        shared fn next_is_breakz() -> bool;
        shared fn next_is_z() -> bool;
        shared fn next_is_flow() -> bool;
        shared fn next_is_digit() -> bool;
        shared fn next_is_alpha() -> bool;
        unique fn skip_while_non_breakz() -> usize;
        unique fn skip_while_blank() -> usize;
        // `is_alpha` takes ASCII only: its bytes are its characters.
        unique fn fetch_while_is_alpha(out: &mut String) -> usize;
    }
}
