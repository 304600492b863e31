pub mod bench;
pub mod bench_search;
pub mod copy;
pub mod export;
pub mod import;
pub mod reindex;
pub mod serve;
pub mod user;
