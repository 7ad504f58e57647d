//! Saved query lists (`idx query --batch FILE`): one query a line, or BEIR `queries.jsonl`
//! objects. This module only reads the list; running the queries is [`crate::Index::search`]'s
//! job and printing them `output`'s.

/// One query of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchQuery {
    /// Line number in the file, from 1.
    pub line: usize,
    /// The object's `_id` (or `id`), else the line number.
    pub id: String,
    /// The query string.
    pub text: String,
}

/// A line that holds no query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchLineError {
    /// Line number in the file, from 1.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

/// The queries of a list, in file order, with the lines that hold none as errors; blank lines
/// are skipped. A line that is a JSON object is a BEIR query (`{"_id": "7", "text": "…"}`;
/// `id` and `query` are read too); any other line, JSON or not, is the query itself, so that
/// `"security guarantees"` stays a phrase.
pub fn read_batch(text: &str) -> Vec<Result<BatchQuery, BatchLineError>> {
    let mut queries = Vec::new();
    for (line_idx, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let line_number = line_idx + 1;
        let query = match serde_json::from_str::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(object)) => {
                let id = object
                    .get("_id")
                    .or_else(|| object.get("id"))
                    .map(|id| id.as_str().map_or_else(|| id.to_string(), str::to_string))
                    .unwrap_or_else(|| line_number.to_string());
                match object
                    .get("text")
                    .or_else(|| object.get("query"))
                    .and_then(|value| value.as_str())
                {
                    Some(text) => Ok(BatchQuery {
                        line: line_number,
                        id,
                        text: text.to_string(),
                    }),
                    None => Err(BatchLineError {
                        line: line_number,
                        message: "no \"text\" field in the query object".to_string(),
                    }),
                }
            }
            _ => Ok(BatchQuery {
                line: line_number,
                id: line_number.to_string(),
                text: line.to_string(),
            }),
        };
        queries.push(query);
    }
    queries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(line: usize, id: &str, text: &str) -> Result<BatchQuery, BatchLineError> {
        Ok(BatchQuery {
            line,
            id: id.to_string(),
            text: text.to_string(),
        })
    }

    #[test]
    fn reads_plain_lines_and_beir_objects() {
        let text =
            "security guarantees\n\n  \"white house\"  \n{\"_id\": \"q7\", \"text\": \"nato\"}\n\
                    {\"id\": 12, \"query\": \"actor:lavrov\"}\n{\"text\": \"kyiv\"}\n2022\n";
        assert_eq!(
            read_batch(text),
            vec![
                query(1, "1", "security guarantees"),
                query(3, "3", "\"white house\""),
                query(4, "q7", "nato"),
                query(5, "12", "actor:lavrov"),
                query(6, "6", "kyiv"),
                query(7, "7", "2022"),
            ]
        );
    }

    #[test]
    fn an_object_without_text_is_an_error_of_its_line() {
        let read = read_batch("nato\n{\"_id\": \"3\", \"title\": \"no query\"}\nkyiv");
        assert_eq!(read.len(), 3);
        assert_eq!(
            read[1],
            Err(BatchLineError {
                line: 2,
                message: "no \"text\" field in the query object".to_string()
            })
        );
        assert_eq!(read[2], query(3, "3", "kyiv"));
    }
}
