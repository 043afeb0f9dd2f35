//! tantivy tokenizers over the [`Analyzer`], registered under stable names so that tantivy
//! (snippets, debugging tools) analyses text exactly as chaxin does.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer, TokenizerManager};

use crate::analyzer::Analyzer;

/// Name of the main tokenizer in the index's tokenizer manager.
pub const MAIN_TOKENIZER: &str = "chaxin";
/// Name of the exact (bigram) tokenizer.
pub const EXACT_TOKENIZER: &str = "chaxin_exact";

/// A tantivy tokenizer that runs [`Analyzer::analyze`] or [`Analyzer::analyze_exact`].
#[derive(Clone)]
pub struct ChaxinTokenizer {
    analyzer: Analyzer,
    exact: bool,
}

impl ChaxinTokenizer {
    /// The main (`exact == false`) or exact stream of `analyzer`.
    pub fn new(analyzer: Analyzer, exact: bool) -> Self {
        Self { analyzer, exact }
    }
}

/// Token stream over pre-computed tokens.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl VecTokenStream {
    /// A stream over `tokens`, in order.
    pub fn new(tokens: Vec<Token>) -> Self {
        Self { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for ChaxinTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let tokens = if self.exact {
            self.analyzer.analyze_exact(text)
        } else {
            self.analyzer.analyze(text)
        };
        VecTokenStream::new(tokens)
    }
}

/// Registers both tokenizers of `analyzer` on a tantivy tokenizer manager.
pub fn register_tokenizers(manager: &TokenizerManager, analyzer: &Analyzer) {
    manager.register(
        MAIN_TOKENIZER,
        ChaxinTokenizer::new(analyzer.clone(), false),
    );
    manager.register(
        EXACT_TOKENIZER,
        ChaxinTokenizer::new(analyzer.clone(), true),
    );
}
