//! The people stage on each line of standard input, for working on its rules:
//! `cargo run --release --example people_lines < lines.txt` prints every line with the
//! participants found in it (name | rank | titles).
use newsmill::people::{Lexicon, extract};
use newsmill::record::TextPlace;

fn main() {
    let lx = Lexicon::vietnamese();
    for line in std::io::stdin().lines() {
        let Ok(text) = line else { break };
        let found = extract(&[(TextPlace::Body, text.clone())], &text, Some("vi"), &lx);
        println!("{text}");
        for p in found {
            println!("   {} | {:?} | {:?}", p.name, p.rank, p.titles);
        }
    }
}
