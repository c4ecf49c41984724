using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Layouts;

/// <summary>Issue 7, defect 9: whatever a template file holds, loading it ends in a template or a documented template error.</summary>
public sealed class TemplateFuzzTests
{
    /// <summary>The error ids docs/templates.md lists for template files ("Errors" and "Limits").</summary>
    private static readonly HashSet<string> DocumentedErrorIds = new(StringComparer.Ordinal)
    {
        "TemplateYamlInvalid", "TemplateFileUnrecognized", "TemplateMissingKey", "TemplateUnknownKey", "TemplateInvalidValue", "TemplateFolderNameInvalid",
        "TemplateDuplicateFolder", "TemplatePathNotFound", "TemplateNotFound", "TemplateExtendsCycle",
        "TemplateTooLarge", "TemplateAliasLimit", "TemplateFolderLimit", "TemplateDepthLimit",
        "TemplateContractInvalid", "TemplateContractLimit",
    };

    [Fact]
    public void FlowSequenceFollowedByABlockItem_IsTemplateYamlInvalidAtThePosition()
    {
        // The report: YamlDotNet's scanner throws InvalidOperationException here, which escaped without a position.
        const string yaml = "name: t\nversion: 1.0.0\nfolders: [raw\n- data\n";

        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.Parse(yaml, "t.yaml"));

        TemplateAssert.At(error, "TemplateYamlInvalid", "t.yaml", 4, 1);
        Assert.Contains("not valid YAML", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public void TruncatedBuiltInTemplates_FailOnlyWithDocumentedErrors()
    {
        int cases = 0;
        foreach (var builtIn in TemplateCatalog.BuiltIns)
        {
            string yaml = builtIn.Yaml;
            // About 400 cuts per template, every character of the short ones; plus cuts just before and after each line break.
            int step = Math.Max(1, yaml.Length / 400);
            var cuts = new SortedSet<int>(Enumerable.Range(0, yaml.Length / step + 1).Select(i => Math.Min(i * step, yaml.Length)));
            for (int i = yaml.IndexOf('\n'); i >= 0; i = yaml.IndexOf('\n', i + 1)) { cuts.Add(i); cuts.Add(i + 1); }
            foreach (int cut in cuts)
            {
                Check(yaml.Substring(0, cut), $"{builtIn.Name} cut at {cut}");
                cases++;
            }
        }
        Assert.True(cases > 1500, $"{cases} cases");
    }

    [Fact]
    public void MutatedBuiltInTemplates_FailOnlyWithDocumentedErrors()
    {
        // Characters that mean something to YAML, and a few that mean something to templates.
        const string alphabet = "[]{}:,-?&*!|>'\"#%@`\n\t \\/._=~0aZ\u00e9\u0000\ufeff";
        var random = new Random(7);
        var templates = TemplateCatalog.BuiltIns.Select(t => t.Yaml).ToArray();
        for (int n = 0; n < 3000; n++)
        {
            var text = new StringBuilder(templates[n % templates.Length]);
            int edits = 1 + random.Next(3);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(text.Length + 1);
                char c = alphabet[random.Next(alphabet.Length)];
                switch (random.Next(5))
                {
                    case 0 when at < text.Length: text[at] = c; break;                       // replace a character
                    case 1: text.Insert(at, c); break;                                         // insert one
                    case 2 when at < text.Length: text.Remove(at, 1); break;                   // delete one
                    case 3: text.Insert(at, "folders: [x\n- y\n"); break;                    // the report's shape
                    default:                                                                    // repeat a stretch
                        int length = Math.Min(random.Next(40), text.Length - Math.Min(at, text.Length));
                        text.Insert(at, text.ToString(Math.Min(at, text.Length), length));
                        break;
                }
            }
            Check(text.ToString(), $"mutation {n}");
        }
    }

    private static void Check(string yaml, string what)
    {
        try
        {
            TemplateCatalog.Parse(yaml, "fuzz.yaml");
        }
        catch (TemplateException e)
        {
            Assert.True(DocumentedErrorIds.Contains(e.ErrorId), $"{what}: undocumented error id {e.ErrorId}: {e.Message}");
            Assert.True(e.Line >= 1 && e.Column >= 1, $"{what}: {e.ErrorId} has no position: {e.Message}");
            Assert.Equal($"{e.File}:{e.Line}:{e.Column}", e.Target);
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().FullName} escaped: {e.Message}\n--- template ---\n{yaml}");
        }
    }
}
