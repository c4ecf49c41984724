namespace S3MlLayout.Engine.Layouts
{
    /// <summary>The core's template-parser seam (EngineComponents.TemplateParser), implemented by TemplateParser.</summary>
    internal sealed class YamlTemplateParser : ITemplateParser
    {
        public TemplateDocument Parse(string yaml, string file) => TemplateParser.Parse(yaml, file);
    }
}
