using System.Linq;
using System.Text;

namespace S3MlLayout.Engine.Rendering
{
    /// <summary>Text from a file or a bucket made safe for a Markdown sink (placeholder until the shared sink functions land).</summary>
    public static class MarkdownText
    {
        /// <summary>Plain text in a table cell: HTML, column breaks, line breaks and emphasis characters escaped.</summary>
        public static string TableCell(string text)
        {
            var result = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                switch (c)
                {
                    case '&': result.Append("&amp;"); break;
                    case '<': result.Append("&lt;"); break;
                    case '>': result.Append("&gt;"); break;
                    case '|': result.Append("\\|"); break;
                    case '\\': case '`': case '*': case '_': case '[': case ']': case '#': result.Append('\\').Append(c); break;
                    default: result.Append(char.IsControl(c) ? ' ' : c); break;
                }
            }
            return result.ToString();
        }

        /// <summary>A code span inside a table cell: fenced with more backticks than it holds, '|' escaped, controls as spaces.</summary>
        public static string CodeSpan(string text)
        {
            var clean = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Replace("|", "\\|");
            int longest = 0, run = 0;
            foreach (char c in clean) { run = c == '`' ? run + 1 : 0; if (run > longest) longest = run; }
            var fence = new string('`', longest + 1);
            bool pad = clean.StartsWith("`") || clean.EndsWith("`") || clean.Length == 0;
            return pad ? fence + " " + clean + " " + fence : fence + clean + fence;
        }
    }
}
