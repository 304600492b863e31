pub mod bench;
pub mod export;
pub mod import;
pub mod serve;
