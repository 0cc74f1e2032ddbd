//! The cases Linux's `next_arg()` defines, then the escape this parser
//! adds, then a round trip of [`quote`] over awkward strings.
use super::*;
use alloc::string::ToString;

fn words(s: &str) -> Vec<String> {
    split(s)
}

#[test]
fn plain_words_split_on_any_ascii_whitespace() {
    assert_eq!(words("  a\tb\n c  "), ["a", "b", "c"]);
    assert!(words("").is_empty());
    assert!(words(" \t ").is_empty());
}

#[test]
fn a_quoted_word_is_one_word_without_its_quotes() {
    assert_eq!(words(r#"x "a b" y"#), ["x", "a b", "y"]);
    assert_eq!(words(r#""""#), [""]);
    assert_eq!(words(r#"a "" b"#), ["a", "", "b"]);
}

#[test]
fn a_quoted_value_loses_its_quotes() {
    assert_eq!(words(r#"name="a b" next"#), ["name=a b", "next"]);
    assert_eq!(words(r#""name=a b""#), ["name=a b"]);
    assert_eq!(words(r#"name="""#), ["name="]);
}

#[test]
fn quotes_inside_a_word_stay_as_on_linux() {
    // Linux keeps a quote that neither opens the word or value nor ends
    // a word that one opened, but it still groups the space.
    assert_eq!(words(r#"a"b c"d e"#), [r#"a"b c"d"#, "e"]);
    assert_eq!(words(r#""a b"c"#), [r#"a b"c"#]);
    assert_eq!(words(r#"name="a"b"#), [r#"name=a"b"#]);
    // An unclosed quote runs to the end of the line.
    assert_eq!(words(r#"x "a b"#), ["x", "a b"]);
}

#[test]
fn backslash_escapes_only_inside_quotes() {
    assert_eq!(words(r#""a \"b\" \\ c""#), [r#"a "b" \ c"#]);
    // Outside quotes a backslash is an ordinary character, as on Linux.
    assert_eq!(words(r"a\b c\"), [r"a\b", r"c\"]);
    // Inside quotes, other escapes stay as written.
    assert_eq!(words(r#""a\nb""#), [r"a\nb"]);
}

#[test]
fn double_dash_splits_kernel_words_from_init_args() {
    let l = Line::parse(r#"init=/bin/sh x=1 -- -c "echo a | wc -l" -- """#);
    assert_eq!(l.kernel, ["init=/bin/sh", "x=1"]);
    assert_eq!(l.init_args, ["-c", "echo a | wc -l", "--", ""]);
    let l = Line::parse("loglevel=3");
    assert_eq!(l.kernel, ["loglevel=3"]);
    assert!(l.init_args.is_empty());
    // A quoted `--` still ends the kernel's words, as on Linux.
    assert_eq!(Line::parse(r#"a "--" b"#).init_args, ["b"]);
}

#[test]
fn quote_round_trips_awkward_arguments() {
    let args = [
        "",
        " ",
        "--",
        "a b",
        "\"",
        "\\",
        "\\\"",
        "x\"",
        "\"x",
        "a=\"b\"",
        "=\"",
        "$HOME `id` $(id) 'single'",
        "tab\tnew\nline",
        "ünïcødé",
        "trailing\\",
    ];
    let line: Vec<String> = args.iter().map(|a| quote(a)).collect();
    let line = ["init=/x".to_string(), "--".to_string()]
        .into_iter()
        .chain(line)
        .collect::<Vec<_>>()
        .join(" ");
    let parsed = Line::parse(&line);
    assert_eq!(parsed.kernel, ["init=/x"]);
    assert_eq!(parsed.init_args, args);
}

#[test]
fn quote_of_plain_text_is_what_linux_reads_the_same() {
    // Without `"` or `\` the quoted form is plain Linux syntax.
    assert_eq!(quote("a b"), r#""a b""#);
    assert_eq!(words(&quote("name=a b")), ["name=a b"]);
    assert_eq!(words(&[quote("a"), quote("b")].join(" ")), ["a", "b"]);
}
