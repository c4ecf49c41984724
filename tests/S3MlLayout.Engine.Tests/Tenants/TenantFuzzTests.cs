using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Tenants;

namespace S3MlLayout.Engine.Tests.Tenants;

/// <summary>Truncated and mutated tenant files fail only with documented ErrorIds (docs/tenants.md, "Errors"), never with a crash.</summary>
public sealed class TenantFuzzTests
{
    private static readonly string[] Documented =
    {
        "TenantYamlInvalid", "TenantFileUnrecognized", "TenantUnknownKey", "TenantMissingKey", "TenantInvalidValue", "TenantNamePartInvalid", "TenantRegionUnknown",
        "TenantBucketNameTooLong", "TenantBucketNameInvalid", "TenantBucketNameConflict", "TenantTemplateNotFound", "TenantBucketFolderUnknown",
        "TenantSolutionInvalid", "TenantDuplicateEntry", "TenantTooLarge", "TenantAliasLimit", "TenantDepthLimit", "TenantDateLimit",
    };

    [Fact]
    public void MutatedExamples_FailOnlyWithDocumentedErrorIds()
    {
        var random = new Random(7);
        const string noise = ":-[]{}&*!|>'\"#\n ,?%@`x0";
        int failures = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(TenantExpansionTests.RepoRoot(), "examples", "tenants"), "*.yaml"))
        {
            string text = File.ReadAllText(file);
            for (int i = 0; i < 400; i++)
            {
                var chars = text.ToCharArray().ToList();
                if (i % 4 == 0) chars = chars.Take(random.Next(chars.Count)).ToList();
                else for (int m = 0; m < 1 + i % 3; m++) chars[random.Next(chars.Count)] = noise[random.Next(noise.Length)];
                try
                {
                    TenantCatalog.Parse(new string(chars.ToArray()), file);
                }
                catch (MlLayoutException e)
                {
                    failures++;
                    Assert.True(Documented.Contains(e.ErrorId) || e.ErrorId.StartsWith("Template", StringComparison.Ordinal), $"undocumented {e.ErrorId}: {e.Message}");
                    if (e is TemplateException t) Assert.True(t.Line > 0 && t.Column > 0, $"{e.ErrorId} without a position: {e.Message}");
                }
            }
        }
        Assert.True(failures > 500, $"only {failures} mutations failed");
    }
}
