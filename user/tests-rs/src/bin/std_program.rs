//! An ordinary Rust std program: collections, strings, formatting, files
//! and the environment, the way application code uses them. Exits 0 if
//! every result is the one computed independently below.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, BufWriter, Write};

use user_tests::Checker;

const TEXT: &str = "the quick brown fox jumps over the lazy dog the fox";

fn main() {
    let mut c = Checker::new();

    let mut counts: HashMap<&str, usize> = HashMap::new();
    for word in TEXT.split_whitespace() {
        *counts.entry(word).or_default() += 1;
    }
    c.equal("distinct words", counts.len(), 8);
    c.equal("count of 'the'", counts.get("the").copied(), Some(3));
    let sorted: BTreeMap<_, _> = counts.iter().map(|(k, v)| (*k, *v)).collect();
    c.equal(
        "first word in order",
        sorted.keys().next().copied(),
        Some("brown"),
    );

    let mut primes = Vec::new();
    for n in 2u32..200 {
        if primes
            .iter()
            .take_while(|&&p| p * p <= n)
            .all(|&p| n % p != 0)
        {
            primes.push(n);
        }
    }
    c.equal("primes below 200", primes.len(), 46);
    c.equal("sum of those primes", primes.iter().sum::<u32>(), 4227);

    let mut s = String::new();
    for (i, p) in primes.iter().take(5).enumerate() {
        write!(s, "{i}:{p:>3}|").unwrap();
    }
    c.equal("formatted", s.as_str(), "0:  2|1:  3|2:  5|3:  7|4: 11|");
    c.equal(
        "float formatting",
        format!("{:.3e} {:08.2} {:x}", 12345.678f64, -1.23456f64, 255u8),
        "1.235e4 -0001.23 ff".to_string(),
    );
    let upper: String = "straße".to_uppercase();
    c.equal("unicode uppercase", upper.as_str(), "STRASSE");
    let set: HashSet<char> = TEXT.chars().filter(|ch| ch.is_alphabetic()).collect();
    c.equal("pangram letters", set.len(), 26);
    let mut queue: VecDeque<u64> = (1..=10).collect();
    queue.rotate_left(3);
    c.equal("rotated queue front", queue.front().copied(), Some(4));
    let mut words: Vec<String> = TEXT.split(' ').map(str::to_owned).collect();
    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    words.dedup();
    c.equal(
        "longest words",
        &words[..2],
        &["brown".to_string(), "jumps".to_string()][..],
    );

    files(&mut c);
    environment(&mut c);
    c.finish("std_program")
}

fn files(c: &mut Checker) {
    let path = std::env::temp_dir().join(format!("std-program-{}.txt", std::process::id()));
    {
        let mut out = BufWriter::new(std::fs::File::create(&path).expect("create"));
        for i in 0..1000 {
            writeln!(out, "line {i} {}", i * i).unwrap();
        }
    }
    let lines: Vec<String> = BufReader::new(std::fs::File::open(&path).expect("open"))
        .lines()
        .map(Result::unwrap)
        .collect();
    c.equal("lines read back", lines.len(), 1000);
    c.equal(
        "line 999",
        lines.last().map(String::as_str),
        Some("line 999 998001"),
    );
    let total: u64 = lines
        .iter()
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    c.equal("sum of squares", total, (0..1000u64).map(|i| i * i).sum());
    c.check("remove file", std::fs::remove_file(&path).is_ok());
}

fn environment(c: &mut Checker) {
    let args: Vec<String> = std::env::args().collect();
    c.check(
        format_args!("argv[0] = {:?}", args.first()),
        args.first().is_some_and(|a| a.ends_with("std_program")),
    );
    c.check("HOME is set", std::env::var_os("HOME").is_some());
    // SAFETY: single-threaded program; nothing reads the environment concurrently.
    unsafe { std::env::set_var("STD_PROGRAM_VAR", "value 1") };
    c.equal(
        "set_var round trip",
        std::env::var("STD_PROGRAM_VAR").ok(),
        Some("value 1".to_string()),
    );
    c.check("current_dir works", std::env::current_dir().is_ok());
}
