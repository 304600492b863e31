//! Writes a synthetic corpus to stdout, for benchmarks and import tests:
//! `cargo run --release -p pressroom-synth --example synth -- 100000 text 42 > corpus.txt`
//! Arguments: count (default 1000), `text` or `jsonl` (default text), seed
//! (default 1). The rate goes to stderr.

use std::io::{self, BufWriter};
use std::time::Instant;

use pressroom_synth::{Generator, write_jsonl, write_text};

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let format = args.get(1).map(String::as_str).unwrap_or("text");
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);

    let mut generator = Generator::new(seed);
    let out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let start = Instant::now();
    match format {
        "jsonl" => write_jsonl(&mut generator, count, out)?,
        "text" => write_text(&mut generator, count, out)?,
        other => {
            eprintln!("unknown format {other:?}; expected text or jsonl");
            std::process::exit(2);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{count} releases in {secs:.2}s ({:.0} releases/s)",
        count as f64 / secs.max(1e-9)
    );
    Ok(())
}
