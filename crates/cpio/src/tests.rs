//! Reader tests: hand-made malformed archives, and a property test that
//! every archive the writer produces reads back exactly.

extern crate std;

use alloc::vec::Vec;
use proptest::prelude::*;

use crate::writer::{Meta, Writer};
use crate::{Archive, Entry, Error, Field, FileType, HEADER_LEN};

fn read_all(bytes: &[u8]) -> Result<Vec<Entry<'_>>, Error> {
    Archive::new(bytes).entries().collect()
}

fn sample() -> Vec<u8> {
    let mut w = Writer::new();
    w.dir(b"etc", 0o755)
        .file(b"etc/motd", 0o644, b"hello\n")
        .symlink(b"etc/link", b"motd")
        .append(
            &Meta {
                mode: 0o020_620,
                rdev_major: 5,
                rdev_minor: 1,
                ..Meta::default()
            },
            b"console",
            &[],
        );
    w.finish()
}

#[test]
fn reads_every_kind_of_entry() {
    let bytes = sample();
    let entries = read_all(&bytes).unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0].file_type(), FileType::Directory);
    assert_eq!(entries[0].permissions(), 0o755);
    assert_eq!(entries[1].name, b"etc/motd");
    assert_eq!(entries[1].data, b"hello\n");
    assert_eq!(entries[1].symlink_target(), None);
    assert_eq!(entries[2].symlink_target(), Some(&b"motd"[..]));
    assert_eq!(entries[3].file_type(), FileType::CharDevice);
    assert_eq!((entries[3].rdev_major, entries[3].rdev_minor), (5, 1));
    assert_eq!(entries.iter().map(|e| e.offset % 4).max(), Some(0));
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let bytes = sample();
    // Cutting anywhere before the trailer's name ends must fail; cutting in
    // the trailer's final padding is allowed (see reader docs).
    let trailer_name_end = bytes.len() - 4 + 3; // "TRAILER!!!\0" ends 1 byte into its padding
    for cut in 0..trailer_name_end - 3 {
        let result = read_all(&bytes[..cut]);
        assert!(
            matches!(
                result,
                Err(Error::Truncated { .. } | Error::MissingTrailer { .. })
            ),
            "cut at {cut}: {result:?}"
        );
    }
}

#[test]
fn missing_trailer_is_reported() {
    let mut w = Writer::new();
    w.file(b"a", 0o644, b"xyz");
    let mut bytes = w.finish();
    let trailer_at = bytes.len() - (HEADER_LEN + 11 + 3);
    bytes.truncate(trailer_at);
    assert_eq!(
        read_all(&bytes),
        Err(Error::MissingTrailer { offset: trailer_at })
    );
}

#[test]
fn name_without_nul_is_rejected() {
    let mut bytes = sample();
    bytes[HEADER_LEN + 3] = b'x'; // overwrite the NUL after "etc"
    assert_eq!(read_all(&bytes), Err(Error::BadName { offset: 0 }));
}

#[test]
fn zero_namesize_is_rejected() {
    let mut bytes = sample();
    bytes[6 + 8 * 11..6 + 8 * 12].copy_from_slice(b"00000000");
    assert_eq!(read_all(&bytes), Err(Error::BadName { offset: 0 }));
}

#[test]
fn bad_hex_in_second_entry_names_offset_and_field() {
    let bytes = sample();
    let second = read_all(&bytes).unwrap()[1].offset;
    let mut bad = bytes.clone();
    bad[second + 6 + 8 * 6] = b'q'; // filesize
    let result: Vec<_> = Archive::new(&bad).entries().collect();
    assert_eq!(
        result.len(),
        2,
        "the first entry still reads, then the error, then nothing"
    );
    assert_eq!(
        result[1],
        Err(Error::BadHexField {
            offset: second,
            field: Field::FileSize
        })
    );
}

#[test]
fn huge_filesize_is_truncation() {
    let mut bytes = sample();
    bytes[6 + 8 * 6..6 + 8 * 7].copy_from_slice(b"ffffffff");
    assert_eq!(read_all(&bytes), Err(Error::Truncated { offset: 0 }));
}

#[test]
fn crc_variant_is_checked() {
    let mut w = Writer::new();
    w.file(b"f", 0o644, b"\x01\x02\x03");
    let mut bytes = w.finish();
    bytes[5] = b'2';
    bytes[6 + 8 * 12..6 + 8 * 13].copy_from_slice(b"00000006");
    assert_eq!(read_all(&bytes).unwrap()[0].data, b"\x01\x02\x03");
    bytes[6 + 8 * 12..6 + 8 * 13].copy_from_slice(b"00000007");
    assert_eq!(read_all(&bytes), Err(Error::BadChecksum { offset: 0 }));
}

#[test]
fn concatenated_archives_with_padding_read_as_one() {
    let mut first = Writer::new();
    first.file(b"one", 0o644, b"1");
    let mut bytes = first.finish();
    bytes.resize(512, 0);
    let mut second = Writer::new();
    second.file(b"two", 0o644, b"22");
    bytes.extend(second.finish());
    bytes.resize(1024, 0);
    let names: Vec<_> = read_all(&bytes).unwrap().iter().map(|e| e.name).collect();
    assert_eq!(names, [&b"one"[..], &b"two"[..]]);
}

#[test]
fn garbage_after_trailer_is_an_error() {
    let mut bytes = sample();
    let junk_at = bytes.len() + 4;
    bytes.extend_from_slice(b"\0\0\0\0");
    bytes.extend_from_slice(&[b'j'; HEADER_LEN]);
    assert_eq!(read_all(&bytes), Err(Error::BadMagic { offset: junk_at }));
    // Junk that is not even a whole header is a truncated entry.
    bytes.truncate(junk_at + 4);
    assert_eq!(read_all(&bytes), Err(Error::Truncated { offset: junk_at }));
}

#[derive(Debug, Clone)]
struct Member {
    meta: Meta,
    name: Vec<u8>,
    data: Vec<u8>,
}

fn member() -> impl Strategy<Value = Member> {
    let name = proptest::collection::vec(1u8..=255, 1..40);
    let data = proptest::collection::vec(any::<u8>(), 0..300);
    let mode = prop_oneof![
        Just(0o100_000u32),
        Just(0o040_000),
        Just(0o120_000),
        Just(0o020_000)
    ]
    .prop_flat_map(|ty| (0u32..0o10_000).prop_map(move |perm| ty | perm));
    (name, data, mode, any::<[u32; 8]>()).prop_map(|(name, data, mode, n)| Member {
        meta: Meta {
            ino: n[0],
            mode,
            uid: n[1],
            gid: n[2],
            nlink: n[3],
            mtime: n[4],
            dev_major: n[5],
            dev_minor: n[6],
            rdev_major: n[7],
            rdev_minor: n[7].rotate_left(7),
        },
        name,
        data,
    })
}

proptest! {
    #[test]
    fn writer_output_round_trips(members in proptest::collection::vec(member(), 0..20)) {
        let mut w = Writer::new();
        // A member literally named like the trailer would end the archive
        // early; real writers never emit one, so neither do we.
        let members: Vec<_> = members.into_iter().filter(|m| m.name != crate::TRAILER_NAME).collect();
        for m in &members {
            w.append(&m.meta, &m.name, &m.data);
        }
        let bytes = w.finish();
        let entries = read_all(&bytes).unwrap();
        prop_assert_eq!(entries.len(), members.len());
        for (e, m) in entries.iter().zip(&members) {
            prop_assert_eq!(e.name, &m.name[..]);
            prop_assert_eq!(e.data, &m.data[..]);
            prop_assert_eq!(
                (e.ino, e.mode, e.uid, e.gid, e.nlink, e.mtime),
                (m.meta.ino, m.meta.mode, m.meta.uid, m.meta.gid, m.meta.nlink, m.meta.mtime)
            );
            prop_assert_eq!(
                (e.dev_major, e.dev_minor, e.rdev_major, e.rdev_minor),
                (m.meta.dev_major, m.meta.dev_minor, m.meta.rdev_major, m.meta.rdev_minor)
            );
        }
    }

    #[test]
    fn corrupted_archives_never_panic(
        members in proptest::collection::vec(member(), 0..5),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let mut w = Writer::new();
        for m in &members {
            w.append(&m.meta, &m.name, &m.data);
        }
        let mut bytes = w.finish();
        for (at, value) in flips {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        let cut = cut % (bytes.len() + 1);
        // Any outcome is fine as long as it is a value, and the iterator ends.
        let count = Archive::new(&bytes[..cut]).entries().take(1000).count();
        prop_assert!(count <= members.len() + 1);
    }
}
