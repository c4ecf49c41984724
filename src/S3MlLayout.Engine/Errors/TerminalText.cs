using System.Text;

namespace S3MlLayout.Engine.Errors
{
    /// <summary>
    /// Text from a file or a bucket, made safe for a terminal (console views, error messages, -Verbose): every C0 and C1
    /// control character (ESC, CSI, OSC, BEL, backspace, carriage return, newline ...), DEL, the Unicode line and
    /// paragraph separators, the bidirectional overrides ("Trojan source") and characters that are not text at all
    /// (lone surrogates, U+FFFE, U+FFFF) are shown as escapes (\x1b, \u202e) instead of acting on the screen.
    /// Everything else, unicode letters and emoji included, is kept as it is. The other sinks (Markdown, XML) start
    /// from the same visible text.
    /// </summary>
    public static class TerminalText
    {
        /// <summary>The text with every character that could act on a screen (or break a line) shown as an escape.</summary>
        public static string Of(string? text)
        {
            if (string.IsNullOrEmpty(text)) return "";
            int first = FirstHidden(text!);
            if (first < 0) return text!;
            var visible = new StringBuilder(text!.Length + 16).Append(text, 0, first);
            for (int i = first; i < text.Length; i++)
            {
                char c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    visible.Append(c).Append(text[++i]);
                    continue;
                }
                if (IsHidden(c)) visible.Append(Escape(c));
                else visible.Append(c);
            }
            return visible.ToString();
        }

        /// <summary>Whether the text holds anything <see cref="Of"/> would escape.</summary>
        public static bool IsPlain(string? text) => text == null || FirstHidden(text) < 0;

        private static int FirstHidden(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
                if (IsHidden(c)) return i;
            }
            return -1;
        }

        /// <summary>A character that is not shown as itself (a surrogate here is a lone one: pairs are skipped before).</summary>
        internal static bool IsHidden(char c) =>
            c < 0x20 || (c >= 0x7F && c <= 0x9F)
            || c == '\u2028' || c == '\u2029'
            || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
            || c == '\uFEFF' || c == '\uFFFE' || c == '\uFFFF'
            || char.IsSurrogate(c);

        private static string Escape(char c) => c <= 0xFF ? "\\x" + ((int)c).ToString("x2") : "\\u" + ((int)c).ToString("x4");
    }
}
