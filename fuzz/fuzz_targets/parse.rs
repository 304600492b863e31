//! Any bytes, in every format the importer reads: the parser may refuse
//! them, but must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pressroom_archive::{DateOrder, Format, ParseOptions, parse_bytes};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let format = match selector % 5 {
        0 => None,
        1 => Some(Format::Text),
        2 => Some(Format::Markdown),
        3 => Some(Format::Html),
        _ => Some(Format::Jsonl),
    };
    let options = ParseOptions {
        date_order: if selector & 0x80 == 0 {
            DateOrder::MonthFirst
        } else {
            DateOrder::DayFirst
        },
    };
    if let Ok(parsed) = parse_bytes("fuzz", bytes, format, &options) {
        for r in &parsed.releases {
            assert!(r.line >= 1);
        }
    }
});
