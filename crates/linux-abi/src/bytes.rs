//! Safe byte views of ABI structs, without `unsafe`.
//!
//! The kernel copies these structs to and from user memory as bytes. Rather
//! than transmute, each struct implements [`AbiBytes`] field by field in
//! declaration order. That is only the struct's memory image if the struct
//! has no implicit padding, so [`abi_struct!`] also asserts at compile time
//! that the fields' sizes add up to `size_of::<Self>()`: every struct
//! declares its padding as explicit fields, exactly as Linux's headers do.

/// The bytes given were fewer than the struct needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooShort {
    pub needed: usize,
    pub got: usize,
}

/// A plain-data ABI value that converts to and from its little-endian
/// memory image (x86_64 is little-endian).
pub trait AbiBytes: Sized + Copy {
    /// Size of the memory image, equal to `size_of::<Self>()`.
    const SIZE: usize;

    /// The all-zero value (what `memset(0)` gives in C).
    fn zeroed() -> Self;

    /// Writes the image to `out[..SIZE]`. The caller checks the length;
    /// use [`AbiBytes::try_write_to`] for buffers of unknown size.
    fn write_image(&self, out: &mut [u8]);

    /// Reads the image from `bytes[..SIZE]`; lengths as for `write_image`.
    fn read_image(bytes: &[u8]) -> Self;

    /// Writes the image to the start of `out`.
    fn try_write_to(&self, out: &mut [u8]) -> Result<(), TooShort> {
        check_len(Self::SIZE, out.len())?;
        self.write_image(&mut out[..Self::SIZE]);
        Ok(())
    }

    /// Reads a value from the start of `bytes`. Every bit pattern is a
    /// valid value of these structs (all fields are integers).
    fn try_read_from(bytes: &[u8]) -> Result<Self, TooShort> {
        check_len(Self::SIZE, bytes.len())?;
        Ok(Self::read_image(&bytes[..Self::SIZE]))
    }
}

fn check_len(needed: usize, got: usize) -> Result<(), TooShort> {
    if got < needed {
        Err(TooShort { needed, got })
    } else {
        Ok(())
    }
}

macro_rules! impl_int {
    ($($t:ty),*) => {$(
        impl AbiBytes for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            fn zeroed() -> Self {
                0
            }
            fn write_image(&self, out: &mut [u8]) {
                out[..Self::SIZE].copy_from_slice(&self.to_le_bytes());
            }
            fn read_image(bytes: &[u8]) -> Self {
                let mut raw = [0u8; core::mem::size_of::<$t>()];
                raw.copy_from_slice(&bytes[..Self::SIZE]);
                <$t>::from_le_bytes(raw)
            }
        }
    )*};
}
impl_int!(u8, u16, u32, u64, i8, i16, i32, i64);

impl<T: AbiBytes, const N: usize> AbiBytes for [T; N] {
    const SIZE: usize = T::SIZE * N;
    fn zeroed() -> Self {
        [T::zeroed(); N]
    }
    fn write_image(&self, out: &mut [u8]) {
        for (item, chunk) in self.iter().zip(out.chunks_exact_mut(T::SIZE)) {
            item.write_image(chunk);
        }
    }
    fn read_image(bytes: &[u8]) -> Self {
        let mut value = Self::zeroed();
        for (item, chunk) in value.iter_mut().zip(bytes.chunks_exact(T::SIZE)) {
            *item = T::read_image(chunk);
        }
        value
    }
}

/// Declares a `#[repr(C)]` ABI struct, implements [`AbiBytes`] for it and
/// asserts at compile time that it has no implicit padding and the size
/// Linux gives it: `abi_struct! { /// doc  pub struct Name (SIZE) { fields } }`.
macro_rules! abi_struct {
    ($(#[$meta:meta])* pub struct $name:ident ($size:expr) {
        $($(#[$fmeta:meta])* pub $field:ident : $ty:ty),* $(,)?
    }) => {
        $(#[$meta])*
        #[repr(C)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty),*
        }

        impl $crate::bytes::AbiBytes for $name {
            const SIZE: usize = 0 $(+ <$ty as $crate::bytes::AbiBytes>::SIZE)*;
            fn zeroed() -> Self {
                $name { $($field: <$ty as $crate::bytes::AbiBytes>::zeroed()),* }
            }
            fn write_image(&self, out: &mut [u8]) {
                let mut at = 0;
                $(
                    let len = <$ty as $crate::bytes::AbiBytes>::SIZE;
                    $crate::bytes::AbiBytes::write_image(&self.$field, &mut out[at..at + len]);
                    at += len;
                )*
                let _ = at;
            }
            fn read_image(bytes: &[u8]) -> Self {
                let mut at = 0;
                $(
                    let len = <$ty as $crate::bytes::AbiBytes>::SIZE;
                    let $field = <$ty as $crate::bytes::AbiBytes>::read_image(&bytes[at..at + len]);
                    at += len;
                )*
                let _ = at;
                $name { $($field),* }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                <Self as $crate::bytes::AbiBytes>::zeroed()
            }
        }

        const _: () = {
            assert!(core::mem::size_of::<$name>() == $size, "size differs from Linux");
            assert!(
                <$name as $crate::bytes::AbiBytes>::SIZE == core::mem::size_of::<$name>(),
                "implicit padding: declare it as a field"
            );
        };
    };
}
pub(crate) use abi_struct;
