using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;

namespace S3MlLayout.Tests.Support
{
    /// <summary>
    /// Reads back the Markdown the module writes, as a GitHub (GFM) renderer reads it, strictly: every line must be a
    /// blank line, a heading, a table line, a list item, a details/summary line or a sentence without markup. Tables
    /// are split on unescaped pipes (a pipe right after a backslash belongs to the cell, as in GFM); a cell or an item
    /// part is either one code span or plain text in which every markup character is backslash-escaped. Anything else
    /// (a row with the wrong number of cells, a line a table or list does not expect, raw HTML) throws.
    /// </summary>
    public sealed class MarkdownReader
    {
        public List<List<List<string>>> Tables { get; } = new();
        public List<string> ListItems { get; } = new();
        /// <summary>The decoded text of each &lt;details&gt;&lt;summary&gt; line.</summary>
        public List<string> Summaries { get; } = new();
        public List<string> Paragraphs { get; } = new();
        public int DetailsOpened { get; private set; }
        public int DetailsClosed { get; private set; }

        private static readonly Regex SummaryLine = new(@"^<details><summary>([^<>]*)</summary>$");

        public static MarkdownReader Read(string markdown)
        {
            var reader = new MarkdownReader();
            var lines = markdown.Replace("\r\n", "\n").Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (line.Length == 0) continue;
                if (line.StartsWith("## ", StringComparison.Ordinal)) { NoMarkup(line.Substring(3), line); continue; }
                if (line.StartsWith("- ", StringComparison.Ordinal)) { reader.ListItems.Add(line.Substring(2)); continue; }
                if (line == "</details>") { reader.DetailsClosed++; continue; }
                var summary = SummaryLine.Match(line);
                if (summary.Success) { reader.DetailsOpened++; reader.Summaries.Add(WebUtility.HtmlDecode(summary.Groups[1].Value)); continue; }
                if (line.StartsWith("|", StringComparison.Ordinal))
                {
                    var header = Cells(line);
                    if (i + 1 >= lines.Length || !Regex.IsMatch(lines[i + 1], @"^\|( *-+:? *\|)+$")) throw new FormatException($"a table line outside a table: {line}");
                    if (Cells(lines[i + 1]).Count != header.Count) throw new FormatException($"delimiter row does not match the header: {line}");
                    i += 2;
                    var rows = new List<List<string>>();
                    // GFM: a table runs until a blank line or another block; every line in it is a row.
                    for (; i < lines.Length && lines[i].Length > 0 && !lines[i].StartsWith("<", StringComparison.Ordinal); i++)
                    {
                        if (!lines[i].StartsWith("|", StringComparison.Ordinal)) throw new FormatException($"a line inside a table that is not a row: {lines[i]}");
                        var cells = Cells(lines[i]);
                        if (cells.Count != header.Count) throw new FormatException($"a row of {cells.Count} cells in a table of {header.Count}: {lines[i]}");
                        rows.Add(cells);
                    }
                    i--;
                    reader.Tables.Add(rows);
                    continue;
                }
                NoMarkup(line, line);
                reader.Paragraphs.Add(line);
            }
            if (reader.DetailsOpened != reader.DetailsClosed) throw new FormatException($"{reader.DetailsOpened} <details> opened, {reader.DetailsClosed} closed");
            return reader;
        }

        private static void NoMarkup(string text, string line)
        {
            if (text.IndexOfAny(new[] { '<', '>', '`', '&', '|', '\\', '[' }) >= 0) throw new FormatException($"markup in a line of plain text: {line}");
        }

        /// <summary>A table line's cells, raw (inline markup kept), with GFM's \| given back as |.</summary>
        public static List<string> Cells(string line)
        {
            var cells = new List<string>();
            int start = 1;
            for (int i = 1; i < line.Length; i++)
                if (line[i] == '|' && line[i - 1] != '\\')
                {
                    cells.Add(line.Substring(start, i - start).Trim().Replace("\\|", "|"));
                    start = i + 1;
                }
            if (line.Substring(start).Trim().Length > 0) throw new FormatException($"a table line that does not end with |: {line}");
            return cells;
        }

        /// <summary>A whole cell (or item part) read as a code span or plain text.</summary>
        public static string Inline(string text)
        {
            int i = 0;
            string value = text.StartsWith("`", StringComparison.Ordinal) ? ReadCode(text, ref i) : ReadText(text, ref i, null);
            if (i != text.Length) throw new FormatException($"more than one inline in: {text}");
            return value;
        }

        /// <summary>One code span from position i: its fence, content (one space stripped each side when both are there) and closing fence.</summary>
        public static string ReadCode(string text, ref int i)
        {
            int start = i;
            while (i < text.Length && text[i] == '`') i++;
            int fence = i - start;
            if (fence == 0) throw new FormatException($"no code span at {start} of: {text}");
            int content = i;
            while (i < text.Length)
            {
                if (text[i] != '`') { i++; continue; }
                int run = i;
                while (i < text.Length && text[i] == '`') i++;
                if (i - run == fence)
                {
                    string code = text.Substring(content, run - content);
                    if (code.Length >= 2 && code[0] == ' ' && code[code.Length - 1] == ' ' && code.Trim(' ').Length > 0) code = code.Substring(1, code.Length - 2);
                    return code;
                }
            }
            throw new FormatException($"an unclosed code span in: {text}");
        }

        /// <summary>
        /// Plain text from position i up to an unescaped <paramref name="until"/> (or the end): backslash escapes decoded;
        /// an unescaped markup character throws (it would be code, HTML, an entity, emphasis or a link). A pipe is text
        /// here: in a table, only an unescaped one splits cells (<see cref="Cells"/> counts them).
        /// </summary>
        public static string ReadText(string text, ref int i, string? until)
        {
            var value = new System.Text.StringBuilder();
            for (; i < text.Length; i++)
            {
                if (until != null && string.CompareOrdinal(text, i, until, 0, until.Length) == 0) return value.ToString();
                char c = text[i];
                if (c == '\\' && i + 1 < text.Length && IsAsciiPunctuation(text[i + 1])) { value.Append(text[++i]); continue; }
                if ("`<>&*_[]~\\".IndexOf(c) >= 0) throw new FormatException($"unescaped markup '{c}' at {i} of: {text}");
                value.Append(c);
            }
            if (until != null) throw new FormatException($"'{until}' not found in: {text}");
            return value.ToString();
        }

        public static void Expect(string text, ref int i, string literal)
        {
            if (string.CompareOrdinal(text, i, literal, 0, literal.Length) != 0) throw new FormatException($"expected '{literal}' at {i} of: {text}");
            i += literal.Length;
        }

        private static bool IsAsciiPunctuation(char c) =>
            (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
    }
}
