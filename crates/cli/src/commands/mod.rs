pub mod bench;
pub mod copy;
pub mod export;
pub mod import;
pub mod key;
pub mod serve;
pub mod verify;
