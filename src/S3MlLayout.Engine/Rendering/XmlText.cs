using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Rendering
{
    /// <summary>
    /// Text from a file or a bucket, made safe for an XML 1.0 document (the JUnit drift report): XML 1.0 cannot carry
    /// most control characters at all, not even as references (&amp;#1; is as illegal as the byte), and an XML writer
    /// throws on them; so they, and the line breaks a value must not add to a multi-line text, are written as visible
    /// escapes (\x01, \x0a), the same ones <see cref="TerminalText"/> shows. Markup characters (&lt; &amp; ") are left
    /// to the XML writer, which encodes them.
    /// </summary>
    public static class XmlText
    {
        /// <summary>The text, every character of it legal in XML 1.0 and none of it a line break.</summary>
        public static string Of(string? text) => TerminalText.Of(text);
    }
}
