using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3MlLayout.Engine.Tests.Support;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Issue 15, "Done when": every example file of seed 000's complete structure placed at its seed path under a
    /// master-solution solution, and every example file of seed 001 under a data-lifecycle solution, gives no finding
    /// with -Scope Objects, on moto and on the local target; the one seed 001 file decided against
    /// (docs/contracts.md, "Decisions") gives exactly its FormatViolation.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class SeedObjectDriftTests : IDisposable
    {
        private const string Solution = SeedExamples.SeedSolution;
        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";
        private readonly MotoServer _moto;
        private readonly TempDirectory _temp = new TempDirectory();
        private readonly string _company = "s" + Guid.NewGuid().ToString("N").Substring(0, 8);

        public SeedObjectDriftTests(MotoServer moto) { _moto = moto; }

        public void Dispose() => _temp.Dispose();

        /// <summary>Seed 000's files (keys from the bucket root) and seed 001's (under the solution), as one bucket holds them.</summary>
        private static List<string> Seed000() => SeedExamples.Seed000ExampleFiles().Distinct(StringComparer.Ordinal).ToList();

        private static List<string> Seed001() => SeedExamples.Seed001ExampleFiles().Select(f => $"solutions/lifecycle/{f}").ToList();


        private static string[] Findings(ScriptResult result) =>
            result.Output.Select(o => $"{Prop(o, "Category")} {Prop(o, "Key")}").OrderBy(f => f, StringComparer.Ordinal).ToArray();

        private static readonly string[] Expected = { "FormatViolation solutions/lifecycle/data/interim/filtered_sales.csv" };

        [Fact]
        public void Every_seed_example_at_its_seed_path_passes_the_object_check_on_moto()
        {
            var vars = _moto.Variables();
            string bucket = $"{_company}-dev-a001-us-east-1";
            ModuleSession.Run(Connection + $"$b = New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue\n" +
                $"$null = $b | Add-MlSolution {Solution} -Template master-solution -Date 2024-01-01, 2024-01-02\n$null = $b | Add-MlSolution lifecycle -Template data-lifecycle -Date 2024-01-01", vars).AssertNoErrors();
            var files = Seed000().Concat(Seed001()).ToList();
            Assert.Equal(163 + 12, files.Count);
            _moto.PutObjects(bucket, files);

            var result = ModuleSession.Run(Connection + $"Get-MlBucket {bucket} @conn | Get-MlLayoutDrift -Solution {Solution}, lifecycle -Scope Objects", vars).AssertNoErrors();

            Assert.Equal(Expected, Findings(result));
        }

        [Fact]
        public void Every_seed_example_at_its_seed_path_passes_the_object_check_on_the_local_target()
        {
            var vars = new Dictionary<string, object?> { ["d"] = _temp.Path };
            ModuleSession.Run("$b = New-MlBucket -Override seed-bucket -LocalPath $d\n" +
                $"$null = $b | Add-MlSolution {Solution} -Template master-solution -Date 2024-01-01, 2024-01-02\n$null = $b | Add-MlSolution lifecycle -Template data-lifecycle -Date 2024-01-01", vars).AssertNoErrors();
            string root = Path.Combine(_temp.Path, "seed-bucket");
            foreach (var key in Seed000().Concat(Seed001()))
            {
                string path = Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, "example");
            }

            var result = ModuleSession.Run($"Get-MlBucket seed-bucket -LocalPath $d | Get-MlLayoutDrift -Solution {Solution}, lifecycle -Scope Objects", vars).AssertNoErrors();

            Assert.Equal(Expected, Findings(result));
        }
    }
}
