using S3MlLayout.Engine.Errors;
using System.Linq;
using System.Text;

namespace S3MlLayout.Engine.Rendering
{
    /// <summary>
    /// Text from a file or a bucket (a key, a folder or template name, an error message quoting one), made safe for the
    /// Markdown reviewers read (plan.md as a PR comment, the drift report as a job summary): one function per place
    /// the text can stand. Control characters and line breaks are first shown as escapes (<see cref="TerminalText"/>),
    /// so no value can start a new line, row or block.
    /// </summary>
    public static class MarkdownText
    {
        /// <summary>
        /// Plain text in a table cell or a list item: every ASCII punctuation character is backslash-escaped (CommonMark
        /// allows that for all of them), so none can be markup: no | ends a cell, no ` opens code, no &lt; opens HTML,
        /// no &amp; starts an entity, no * _ [ ! # makes emphasis, a link, an image or a heading.
        /// </summary>
        public static string Text(string? text)
        {
            string visible = TerminalText.Of(text);
            var escaped = new StringBuilder(visible.Length + 8);
            foreach (char c in visible)
            {
                if (IsAsciiPunctuation(c)) escaped.Append('\\');
                escaped.Append(c);
            }
            return escaped.ToString();
        }

        /// <summary>
        /// The text as a code span: fenced by more backticks than any run inside it, padded with a space when it starts
        /// or ends with a backtick or a space (Markdown strips one each side). In a table cell (<paramref name="inTable"/>)
        /// a | is written \| (the table splits cells before code spans are read, and gives the | back inside the code).
        /// An empty text gives an empty cell.
        /// </summary>
        public static string Code(string? text, bool inTable = true)
        {
            string visible = TerminalText.Of(text);
            if (visible.Length == 0) return "";
            int longest = 0, run = 0;
            foreach (char c in visible)
            {
                run = c == '`' ? run + 1 : 0;
                if (run > longest) longest = run;
            }
            string fence = new string('`', longest + 1);
            bool allSpaces = visible.Trim(' ').Length == 0;
            bool pad = !allSpaces && (visible[0] == '`' || visible[visible.Length - 1] == '`' || (visible[0] == ' ' && visible[visible.Length - 1] == ' '));
            string body = inTable ? visible.Replace("|", "\\|") : visible;
            return pad ? $"{fence} {body} {fence}" : fence + body + fence;
        }

        /// <summary>
        /// Text inside an HTML block (the &lt;details&gt;&lt;summary&gt; line of a collapsed section), where Markdown escapes
        /// do not apply: &amp; &lt; &gt; " ' are written as character references.
        /// </summary>
        public static string Html(string? text)
        {
            string visible = TerminalText.Of(text);
            if (!visible.Any(c => c == '&' || c == '<' || c == '>' || c == '"' || c == '\'')) return visible;
            return visible.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");
        }

        private static bool IsAsciiPunctuation(char c) =>
            (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
    }
}
