//! Which variables a flow could read, found once per compiled script, so that an answer's
//! fields no flow can name are never turned into Rhai values.
//!
//! The set is read from the source text, not the syntax tree: every word anywhere in it,
//! strings and comments included, counts. That is a superset of the variables the script
//! names, interpolations (`${amount}`) and captured scopes (`f!()`) among them. Only two
//! things name a variable at run time, `eval` and `is_def_var`; a script that uses `eval`,
//! or `is_def_var` with anything but a plain string literal, may read any field.

use std::collections::HashSet;

// FxHash: the set is looked up once per field of every answer, field names are short, and
// SipHash's guard against chosen keys buys nothing for a set built from the script's own words.
use rustc_hash::FxBuildHasher;

const IS_DEF_VAR: &str = "is_def_var";

/// The variables a script could read.
#[derive(Debug)]
pub(crate) enum Reads {
    /// The script may name variables at run time: every field is converted.
    Any,
    /// Every word of the source, and the names `is_def_var` checks.
    Words(HashSet<Box<str>, FxBuildHasher>),
}

impl Reads {
    /// The variables `source` could read.
    pub(crate) fn of(source: &str) -> Self {
        let mut words = HashSet::default();
        for (start, word) in words_of(source) {
            match word {
                "eval" => return Self::Any,
                IS_DEF_VAR => match literal_argument(&source[start + word.len()..]) {
                    Some(name) => words.insert(name.into()),
                    None => return Self::Any,
                },
                _ => words.insert(word.into()),
            };
        }
        Self::Words(words)
    }

    /// Whether a variable called `name` could be read.
    pub(crate) fn includes(&self, name: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Words(words) => words.contains(name),
        }
    }
}

/// The words of `source` with their byte offsets. A word ends at any ASCII character that
/// cannot be part of an identifier; other characters belong to it, so an identifier stays
/// whole whether or not Rhai was built to accept Unicode in names.
fn words_of(source: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_break = |c: char| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '_');
    source
        .split(is_break)
        .filter(|word| !word.is_empty())
        .map(move |word| (word.as_ptr() as usize - source.as_ptr() as usize, word))
}

/// The text of `("name")` at the start of `rest`, spaces allowed; `None` for any other
/// argument, including strings with escapes, whose value differs from their text.
fn literal_argument(rest: &str) -> Option<&str> {
    let rest = rest.trim_start().strip_prefix('(')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    let after = rest[end..].strip_prefix('"')?;
    after.trim_start().starts_with(')').then(|| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(source: &str) -> Vec<&'static str> {
        let reads = Reads::of(source);
        let names = ["amount", "id", "city", "status", "my-key", "eval", "body"];
        names.into_iter().filter(|n| reads.includes(n)).collect()
    }

    #[test]
    fn every_word_counts_even_in_strings_and_comments() {
        let source = "// status\nlet x = `${amount}`; print(\"id\");";
        assert_eq!(reads(source), ["amount", "id", "status"]);
    }

    #[test]
    fn a_literal_checked_by_is_def_var_is_a_name_even_with_odd_characters() {
        let source = r#"if is_def_var ( "my-key" ) { print(city); }"#;
        assert_eq!(reads(source), ["city", "my-key"]);
    }

    #[test]
    fn names_made_at_run_time_mean_any_field() {
        for source in [
            r#"eval("print(amount)")"#,
            r#"let name = "ci" + "ty"; is_def_var(name)"#,
            r#"is_def_var("a\u0062")"#,
            r#"is_def_var(`city`)"#,
            r#"print("is_def_var")"#,
        ] {
            assert!(matches!(Reads::of(source), Reads::Any), "{source}");
        }
    }

    #[test]
    fn identifiers_with_unicode_stay_whole() {
        let reads = Reads::of("print(café + x);");
        assert!(reads.includes("café") && reads.includes("x"));
    }
}
