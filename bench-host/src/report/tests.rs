use super::*;

fn rec(name: &str, strategy: &str, touched_bytes: u64, median_ns: f64) -> Record {
    Record {
        name: name.into(),
        strategy: strategy.into(),
        touched_bytes,
        median_ns,
    }
}

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;

#[test]
fn times_and_ratios_format() {
    assert_eq!(format_ns(812.4), "812 ns");
    assert_eq!(format_ns(1_534.0), "1.534 µs");
    assert_eq!(format_ns(2_500_000.0), "2.500 ms");
    assert_eq!(format_ns(3.2e9), "3.200 s");
    assert_eq!(format_ratio(2345.6), "2346x");
    assert_eq!(format_ratio(12.34), "12.3x");
    assert_eq!(format_ratio(0.456), "0.46x");
}

#[test]
fn medians_table_has_a_column_per_size_and_gaps() {
    let records = [
        rec("fork", "classic", MIB, 20_000.0),
        rec("fork", "classic", GIB, 900_000.0),
        rec("fork", "hybrid", GIB, 1_000.0),
    ];
    let table = medians_table(&records);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "| operation | strategy | 1 MiB | 1 GiB |");
    assert_eq!(lines[1], "|---|---|---|---|");
    assert_eq!(lines[2], "| fork | classic | 20.000 µs | 900.000 µs |");
    assert_eq!(lines[3], "| fork | hybrid | - | 1.000 µs |");
    assert_eq!(lines.len(), 4);
}

#[test]
fn ratios_divide_same_size_medians() {
    let records = [
        rec("fork", "classic", GIB, 3_000_000.0),
        rec("fork", "hybrid", GIB, 1_500.0),
        rec("fork_exit_wait", "linux", GIB, 15_000_000.0),
    ];
    let table = ratios_table(&records);
    assert!(
        table.contains("| classic fork ÷ hybrid fork | 2000x |"),
        "{table}"
    );
    assert!(
        table.contains("| linux fork_exit_wait ÷ hybrid fork | 10000x |"),
        "{table}"
    );
    assert!(
        table.contains("| classic fork ÷ vfork fork | - |"),
        "{table}"
    );
}

#[test]
fn targets_report_met_and_not_met() {
    let records = [
        rec("fork", "classic", GIB, 3_000_000.0),
        rec("fork", "hybrid", GIB, 1_500.0),
        rec("fork", "hybrid", MIB, 99_999.0),
    ];
    let t = targets(&records);
    assert_eq!(t[0].measured.as_deref(), Some("1.500 µs"));
    assert_eq!(t[0].met, Some(true));
    assert_eq!(t[1].measured.as_deref(), Some("2000x"));
    assert_eq!(t[1].met, Some(true));
    assert_eq!(t[2].measured.as_deref(), Some("3.000 ms"));
    assert_eq!(t[2].met, Some(false));
    let none = targets(&records[..1]);
    assert_eq!(
        (none[0].met, none[1].met, none[2].met),
        (None, None, Some(false))
    );
    let list = targets_list(&records);
    assert!(list.contains("classic fork at 1 GiB at most 1 ms: measured 3.000 ms: **not met**"));
}

#[test]
fn render_has_every_part() {
    let records = [rec("fork", "hybrid", GIB, 1_000.0)];
    let text = render(&records, "machine: test");
    assert!(text.starts_with("machine: test"));
    for part in [
        "Medians",
        "Ratios",
        "Targets",
        "| fork | hybrid | 1.000 µs |",
    ] {
        assert!(text.contains(part), "{part} missing in {text}");
    }
}

#[test]
fn splice_replaces_between_markers_only() {
    let doc = "intro\n<!-- t:begin -->\nold\nlines\n<!-- t:end -->\nrest\n";
    let got = splice(doc, "t", "new\n\n").unwrap();
    assert_eq!(got, "intro\n<!-- t:begin -->\nnew\n<!-- t:end -->\nrest\n");
    assert_eq!(splice(&got, "t", "new").unwrap(), got, "idempotent");
    let empty = "<!-- t:begin -->\n<!-- t:end -->\n";
    assert_eq!(
        splice(empty, "t", "x").unwrap(),
        "<!-- t:begin -->\nx\n<!-- t:end -->\n"
    );
    assert_eq!(splice(doc, "other", "x"), None);
    assert_eq!(splice("<!-- t:begin -->\nno end", "t", "x"), None);
}
