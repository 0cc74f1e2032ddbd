use super::*;

/// Shaped like criterion 0.5's files (fields trimmed, the rest ignored).
fn benchmark_json(group: &str, function: &str, value: &str) -> String {
    format!(
        r#"{{"group_id":"{group}","function_id":"{function}","value_str":"{value}",
            "throughput":null,"full_id":"{group}/{function}/{value}",
            "directory_name":"{group}/{function}/{value}","title":"{group}/{function}/{value}"}}"#
    )
}

fn estimates_json(median: f64) -> String {
    let est = |v: f64| {
        format!(
            r#"{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{lo},"upper_bound":{hi}}},
                "point_estimate":{v},"standard_error":1.5}}"#,
            lo = v * 0.9,
            hi = v * 1.1
        )
    };
    format!(
        r#"{{"mean":{},"median":{},"median_abs_dev":{},"slope":null,"std_dev":{}}}"#,
        est(median * 1.2),
        est(median),
        est(3.0),
        est(4.0)
    )
}

#[test]
fn median_is_read_not_mean() {
    assert_eq!(parse_median_ns(&estimates_json(1234.5)).unwrap(), 1234.5);
    assert!(parse_median_ns(r#"{"mean":{"point_estimate":1.0}}"#).is_err());
}

#[test]
fn vm_and_linux_records() {
    let r = parse_record(
        &benchmark_json("vm_fork", "hybrid", "1GiB"),
        &estimates_json(900.0),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        r,
        Record {
            name: "fork".into(),
            strategy: "hybrid".into(),
            touched_bytes: 1 << 30,
            median_ns: 900.0
        }
    );
    let r = parse_record(
        &benchmark_json("linux", "vfork_exit_wait", "64MiB"),
        &estimates_json(5e4),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        (r.name.as_str(), r.strategy.as_str()),
        ("vfork_exit_wait", "linux")
    );
    assert_eq!(r.touched_bytes, 64 << 20);
}

#[test]
fn foreign_and_broken_files() {
    // `cargo bench -p forkless-vm` writes plain functions with no group/parameter.
    let micro = r#"{"group_id":"translate","function_id":null,"value_str":null}"#;
    assert_eq!(parse_record(micro, &estimates_json(3.0)).unwrap(), None);
    assert!(parse_record("not json", &estimates_json(3.0)).is_err());
    let ours = benchmark_json("vm_fork", "classic", "1MiB");
    assert!(parse_record(&ours, "{}").is_err());
}

#[test]
fn collect_walks_the_criterion_tree() {
    let root = std::env::temp_dir().join(format!("bench-host-test-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let put = |dir: &str, bench: &str, est: &str| {
        let d = root.join(dir);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("benchmark.json"), bench).unwrap();
        fs::write(d.join("estimates.json"), est).unwrap();
    };
    put(
        "vm_fork/hybrid/1GiB/new",
        &benchmark_json("vm_fork", "hybrid", "1GiB"),
        &estimates_json(800.0),
    );
    put(
        "vm_fork/classic/1GiB/new",
        &benchmark_json("vm_fork", "classic", "1GiB"),
        &estimates_json(9e5),
    );
    // The previous run's copy is ignored; only `new` counts.
    put(
        "vm_fork/classic/1GiB/base",
        &benchmark_json("vm_fork", "classic", "1GiB"),
        &estimates_json(1.0),
    );
    put(
        "linux/fork_exit_wait/1MiB/new",
        &benchmark_json("linux", "fork_exit_wait", "1MiB"),
        &estimates_json(7e4),
    );
    put(
        "translate/new",
        r#"{"group_id":"translate","function_id":null,"value_str":null}"#,
        &estimates_json(2.0),
    );
    let records = collect(&root).unwrap();
    fs::remove_dir_all(&root).unwrap();
    let got: Vec<_> = records
        .iter()
        .map(|r| (r.name.as_str(), r.strategy.as_str(), r.median_ns))
        .collect();
    assert_eq!(
        got,
        [
            ("fork", "classic", 9e5),
            ("fork", "hybrid", 800.0),
            ("fork_exit_wait", "linux", 7e4)
        ]
    );
    let results = Results {
        schema_version: SCHEMA_VERSION,
        machine: "m".into(),
        commit: "abc1234".into(),
        date: "2026-01-01".into(),
        records: records.clone(),
    };
    let json: Results = serde_json::from_str(&to_json(&results)).unwrap();
    assert_eq!(json, results);
    let value: serde_json::Value = serde_json::from_str(&to_json(&results)).unwrap();
    let top: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        top,
        ["commit", "date", "machine", "records", "schema_version"]
    );
    assert_eq!(value["schema_version"], 1);
    let keys: Vec<_> = value["records"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, ["median_ns", "name", "strategy", "touched_bytes"]);
}
