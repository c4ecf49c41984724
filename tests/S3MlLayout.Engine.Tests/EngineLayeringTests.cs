using System.Text.RegularExpressions;
using S3MlLayout.Engine.Tests.Tenants;

namespace S3MlLayout.Engine.Tests;

/// <summary>
/// docs/architecture.md says the engine's folders read top-down: each uses only folders listed before it. This reads
/// the sources (using directives and qualified names outside comments) and fails on a folder that reaches up.
/// </summary>
public sealed class EngineLayeringTests
{
    // Bottom first; the same order as the folder table of docs/architecture.md.
    private static readonly string[] Order =
    {
        "Errors", "Naming", "S3", "Storage", "Layouts", "Provisioning", "Rendering", "Inventory", "Drift", "Tenants", "Audit", "Operations",
    };

    private static readonly Regex Reference = new(
        @"(?:using\s+S3MlLayout\.Engine\.(?<f>[A-Za-z0-9]+))|(?:S3MlLayout\.Engine\.(?<f>[A-Za-z0-9]+)\.)|(?:(?<![\w.])(?<f>Provisioning|Operations|Drift|Tenants|Audit|Inventory|Rendering|Layouts|Storage)\.[A-Z])",
        RegexOptions.Compiled);

    public static IEnumerable<object[]> Folders() => Order.Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(Folders))]
    public void A_folder_uses_only_the_folders_below_it(string folder)
    {
        string dir = Path.Combine(TenantExpansionTests.RepoRoot(), "src", "S3MlLayout.Engine", folder);
        Assert.True(Directory.Exists(dir), $"{dir} is in the documented order but does not exist");
        var allowed = Order.Take(Array.IndexOf(Order, folder) + 1).ToHashSet();
        var reaches = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
        {
            int line = 0;
            foreach (var text in File.ReadLines(file))
            {
                line++;
                string code = text.Split("//")[0];
                foreach (Match m in Reference.Matches(code))
                {
                    string used = m.Groups["f"].Value;
                    if (Order.Contains(used) && !allowed.Contains(used))
                        reaches.Add($"{Path.GetRelativePath(dir, file)}:{line} uses {used}");
                }
            }
        }
        Assert.True(reaches.Count == 0, $"{folder}/ reaches up: " + string.Join("; ", reaches));
    }

    [Fact]
    public void Every_engine_folder_has_a_place_in_the_order()
    {
        string src = Path.Combine(TenantExpansionTests.RepoRoot(), "src", "S3MlLayout.Engine");
        var folders = Directory.EnumerateDirectories(src).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).ToList();
        Assert.Empty(folders.Except(Order));
    }
}
