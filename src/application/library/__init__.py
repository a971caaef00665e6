"""The library as a whole: search across every video's title, description and transcript."""
