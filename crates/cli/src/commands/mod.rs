pub mod bench;
pub mod copy;
pub mod export;
pub mod import;
pub mod serve;
pub mod user;
