//! Property test: random sequences of name-space and data operations give
//! the same results (values and errnos) as a simple model, a map from path
//! to "directory" or "file contents" (shared between hard links), and leave
//! the same tree behind.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use linux_abi::fcntl::{O_CREAT, O_RDONLY, O_WRONLY};
use linux_abi::time::Timespec;
use linux_abi::Errno;
use memfs::{FileSystem, FileType, Ino};
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Dir,
    /// Hard links share one `Rc`; equality compares contents.
    File(Rc<RefCell<Vec<u8>>>),
}

fn new_file(data: Vec<u8>) -> Node {
    Node::File(Rc::new(RefCell::new(data)))
}

/// Paths are "/x/y/z" strings; the root is "" and always a directory.
type Model = BTreeMap<String, Node>;

#[derive(Debug, Clone)]
enum Op {
    Mkdir(String),
    Write(String, usize, Vec<u8>),
    Truncate(String, usize),
    Unlink(String),
    Rmdir(String),
    Rename(String, String),
    Link(String, String),
}

fn path() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![Just("a"), Just("b"), Just("c")], 1..=3)
        .prop_map(|parts| parts.iter().map(|p| format!("/{p}")).collect())
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        path().prop_map(Op::Mkdir),
        (
            path(),
            0usize..20,
            proptest::collection::vec(any::<u8>(), 0..12)
        )
            .prop_map(|(p, o, d)| Op::Write(p, o, d)),
        (path(), 0usize..30).prop_map(|(p, l)| Op::Truncate(p, l)),
        path().prop_map(Op::Unlink),
        path().prop_map(Op::Rmdir),
        (path(), path()).prop_map(|(a, b)| Op::Rename(a, b)),
        (path(), path()).prop_map(|(a, b)| Op::Link(a, b)),
    ]
}

fn parent(path: &str) -> &str {
    &path[..path.rfind('/').unwrap()]
}

/// What resolving the directories above `path` gives: ENOENT for a missing
/// one, ENOTDIR for a file in the way.
fn check_parents(model: &Model, path: &str) -> Result<(), Errno> {
    let mut prefix = String::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    for part in &parts[..parts.len() - 1] {
        prefix = format!("{prefix}/{part}");
        match model.get(&prefix) {
            None => return Err(Errno::ENOENT),
            Some(Node::File(_)) => return Err(Errno::ENOTDIR),
            Some(Node::Dir) => {}
        }
    }
    Ok(())
}

fn has_children(model: &Model, dir: &str) -> bool {
    model.keys().any(|k| parent(k) == dir)
}

fn apply_model(model: &mut Model, op: &Op) -> Result<(), Errno> {
    match op {
        Op::Mkdir(p) => {
            check_parents(model, p)?;
            if model.contains_key(p) {
                return Err(Errno::EEXIST);
            }
            model.insert(p.clone(), Node::Dir);
        }
        Op::Write(p, offset, data) => {
            check_parents(model, p)?;
            match model
                .entry(p.clone())
                .or_insert_with(|| new_file(Vec::new()))
            {
                Node::Dir => return Err(Errno::EISDIR),
                Node::File(contents) => {
                    let mut contents = contents.borrow_mut();
                    if contents.len() < offset + data.len() {
                        contents.resize(offset + data.len(), 0);
                    }
                    contents[*offset..offset + data.len()].copy_from_slice(data);
                }
            }
        }
        Op::Truncate(p, len) => {
            check_parents(model, p)?;
            match model.get_mut(p) {
                None => return Err(Errno::ENOENT),
                Some(Node::Dir) => return Err(Errno::EISDIR),
                Some(Node::File(contents)) => contents.borrow_mut().resize(*len, 0),
            }
        }
        Op::Unlink(p) => {
            check_parents(model, p)?;
            match model.get(p) {
                None => return Err(Errno::ENOENT),
                Some(Node::Dir) => return Err(Errno::EISDIR),
                Some(Node::File(_)) => {
                    model.remove(p);
                }
            }
        }
        Op::Rmdir(p) => {
            check_parents(model, p)?;
            match model.get(p) {
                None => return Err(Errno::ENOENT),
                Some(Node::File(_)) => return Err(Errno::ENOTDIR),
                Some(Node::Dir) if has_children(model, p) => return Err(Errno::ENOTEMPTY),
                Some(Node::Dir) => {
                    model.remove(p);
                }
            }
        }
        Op::Rename(from, to) => {
            check_parents(model, from)?;
            check_parents(model, to)?;
            let moving = model.get(from).cloned().ok_or(Errno::ENOENT)?;
            let same_file = match (&moving, model.get(to)) {
                (Node::File(a), Some(Node::File(b))) => Rc::ptr_eq(a, b),
                _ => false,
            };
            if from == to || same_file {
                return Ok(()); // POSIX: renaming a link onto itself does nothing
            }
            let moving_dir = moving == Node::Dir;
            if moving_dir && to.starts_with(&format!("{from}/")) {
                return Err(Errno::EINVAL);
            }
            match (moving_dir, model.get(to)) {
                (true, Some(Node::File(_))) => return Err(Errno::ENOTDIR),
                (false, Some(Node::Dir)) => return Err(Errno::EISDIR),
                (true, Some(Node::Dir)) if has_children(model, to) => return Err(Errno::ENOTEMPTY),
                _ => {}
            }
            let subtree: Vec<String> = model
                .keys()
                .filter(|k| *k == from || k.starts_with(&format!("{from}/")))
                .cloned()
                .collect();
            let moved: Vec<(String, Node)> = subtree
                .into_iter()
                .map(|k| {
                    let node = model.remove(&k).unwrap();
                    (format!("{to}{}", &k[from.len()..]), node)
                })
                .collect();
            model.extend(moved);
        }
        Op::Link(from, to) => {
            check_parents(model, from)?;
            let target = match model.get(from) {
                None => return Err(Errno::ENOENT),
                Some(Node::Dir) => return Err(Errno::EPERM),
                Some(file) => file.clone(),
            };
            check_parents(model, to)?;
            if model.contains_key(to) {
                return Err(Errno::EEXIST);
            }
            model.insert(to.clone(), target);
        }
    }
    Ok(())
}

const NOW: Timespec = Timespec {
    tv_sec: 1,
    tv_nsec: 0,
};

fn apply_fs(fs: &mut FileSystem, op: &Op) -> Result<(), Errno> {
    let root = fs.root();
    match op {
        Op::Mkdir(p) => fs.mkdir(root, p.as_bytes(), 0o755, NOW).map(drop),
        Op::Write(p, offset, data) => {
            let ino = fs
                .open(root, p.as_bytes(), O_CREAT | O_WRONLY, 0o644, NOW)?
                .ino;
            let written = fs.write(ino, *offset as u64, data, NOW);
            fs.close(ino)?;
            assert_eq!(written?, data.len());
            Ok(())
        }
        Op::Truncate(p, len) => {
            let ino = fs.open(root, p.as_bytes(), O_WRONLY, 0, NOW)?.ino;
            let result = fs.truncate(ino, *len as u64, NOW);
            fs.close(ino)?;
            result
        }
        Op::Unlink(p) => fs.unlink(root, p.as_bytes(), NOW),
        Op::Rmdir(p) => fs.rmdir(root, p.as_bytes(), NOW),
        Op::Rename(a, b) => fs.rename(root, a.as_bytes(), root, b.as_bytes(), NOW),
        Op::Link(a, b) => fs.link(root, a.as_bytes(), root, b.as_bytes(), NOW),
    }
}

/// Reads the whole tree back through the public API.
fn snapshot(fs: &FileSystem, dir: Ino, prefix: &str, out: &mut Model) {
    let mut cursor = 2; // skip "." and ".."
    let mut subdirs = 0;
    while let Some(entry) = fs.read_dir(dir, cursor).unwrap() {
        cursor = entry.next_cursor;
        let path = format!("{prefix}/{}", String::from_utf8(entry.name).unwrap());
        match entry.file_type {
            FileType::Directory => {
                subdirs += 1;
                out.insert(path.clone(), Node::Dir);
                snapshot(fs, entry.ino, &path, out);
            }
            FileType::Regular => {
                let size = fs.metadata(entry.ino).unwrap().size as usize;
                let mut data = vec![0; size + 1];
                assert_eq!(fs.read(entry.ino, 0, &mut data).unwrap(), size);
                data.truncate(size);
                out.insert(path, new_file(data));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        fs.metadata(dir).unwrap().nlink,
        2 + subdirs,
        "nlink of {prefix:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn filesystem_matches_model(ops in proptest::collection::vec(op(), 1..40)) {
        let mut fs = FileSystem::new(NOW);
        let mut model = Model::new();
        for op in &ops {
            let expected = apply_model(&mut model, op);
            let got = apply_fs(&mut fs, op);
            prop_assert_eq!(got, expected, "{:?}", op);
        }
        let mut tree = Model::new();
        snapshot(&fs, fs.root(), "", &mut tree);
        prop_assert_eq!(&tree, &model);
        // Hard links: names share an inode exactly when the model's share a
        // file, and each file's nlink counts its names.
        let mut files: BTreeMap<*const RefCell<Vec<u8>>, BTreeSet<u64>> = BTreeMap::new();
        for (path, node) in &model {
            let ino = fs.lookup(fs.root(), path.as_bytes(), false).unwrap();
            if let Node::File(rc) = node {
                files.entry(Rc::as_ptr(rc)).or_default().insert(ino.0);
                prop_assert_eq!(fs.metadata(ino).unwrap().nlink as usize, Rc::strong_count(rc), "nlink of {}", path);
            }
        }
        prop_assert!(files.values().all(|inos| inos.len() == 1), "links of one file share an inode");
        let distinct_inos: BTreeSet<u64> = files.values().flatten().copied().collect();
        prop_assert_eq!(distinct_inos.len(), files.len(), "different files have different inodes");
        let dirs = model.values().filter(|n| **n == Node::Dir).count();
        prop_assert_eq!(fs.inode_count(), files.len() + dirs + 1, "no leaked inodes");
        for path in model.keys() {
            let ino = fs.lookup(fs.root(), path.as_bytes(), true).unwrap();
            let opened = fs.open(fs.root(), path.as_bytes(), O_RDONLY, 0, NOW).unwrap();
            prop_assert_eq!(opened.ino, ino);
            fs.close(ino).unwrap();
        }
    }
}
