//! Parses files with `parse_bytes` on one thread and prints the rate: the
//! parser alone, without the CLI or a store, for profiling
//! (`perf record`, `valgrind --tool=callgrind`). Not run by CI.
//!
//! `cargo run --release -p pressroom-archive --example parse_files -- FILE...`

use std::time::Instant;

use pressroom_archive::{Format, ParseOptions, parse_bytes};

fn main() -> std::process::ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let options = ParseOptions::default();
    let (mut bytes, mut releases, mut failed) = (0usize, 0usize, 0usize);
    let mut reading = std::time::Duration::ZERO;
    let started = Instant::now();
    for file in &files {
        let t = Instant::now();
        let data = match std::fs::read(file) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{file}: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        reading += t.elapsed();
        bytes += data.len();
        match parse_bytes(file, &data, Format::from_name(file), &options) {
            Ok(parsed) => releases += parsed.releases.len(),
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
            }
        }
    }
    let parsing = started.elapsed() - reading;
    println!(
        "{} files, {failed} failed, {releases} releases, {:.1} MB in {:.2} s parsing: {:.1} MB/s",
        files.len(),
        bytes as f64 / 1e6,
        parsing.as_secs_f64(),
        bytes as f64 / 1e6 / parsing.as_secs_f64().max(1e-9)
    );
    std::process::ExitCode::SUCCESS
}
