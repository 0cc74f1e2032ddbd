//! The smallest Rust std program: prints one line and exits 0.

fn main() {
    println!("hello from rust");
}
