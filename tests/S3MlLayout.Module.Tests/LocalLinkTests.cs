using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Symbolic links in a local bucket: nothing is ever created, written or deleted outside the bucket directory
    /// through them, drift reports them, and a -LocalPath reached through a link works as any other.
    /// </summary>
    public sealed class LocalLinkTests : IDisposable
    {
        private readonly TempDirectory _temp = new TempDirectory();
        private string BucketDir => Path.Combine(_temp.Path, "link-bucket");
        private string OutsideDir => Path.Combine(_temp.Path, "outside");
        private string V1 => Path.Combine(_temp.Path, "t-1.0.0.yaml");
        private string V2 => Path.Combine(_temp.Path, "t-1.1.0.yaml");

        public LocalLinkTests()
        {
            Directory.CreateDirectory(OutsideDir);
            File.WriteAllText(V1, "name: t\nversion: 1.0.0\nfolders:\n  - name: legacy\n    folders:\n      - inner\n  - raw\n");
            File.WriteAllText(V2, "name: t\nversion: 1.1.0\nfolders:\n  - name: legacy\n    folders:\n      - inner\n  - raw\nrename:\n  - from: legacy\n    to: current\n");
        }

        public void Dispose() => _temp.Dispose();

        private ScriptResult Run(string script) =>
            ModuleSession.Run("$b = New-MlBucket -Override link-bucket -LocalPath $d\n" + script,
                new Dictionary<string, object?> { ["d"] = _temp.Path, ["v1"] = V1, ["v2"] = V2 });

        private string[] Snapshot(string root) =>
            Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(root, p)).OrderBy(p => p, StringComparer.Ordinal).ToArray();

        /// <summary>Moves the provisioned solutions/churn/ out of the bucket and leaves a link to it in its place.</summary>
        private void MoveSolutionOutsideBehindALink()
        {
            string inside = Path.Combine(BucketDir, "solutions", "churn");
            string outside = Path.Combine(OutsideDir, "churn");
            Directory.Move(inside, outside);
            Directory.CreateSymbolicLink(inside, outside);
        }

        [Fact]
        public void Add_MlSolution_refuses_a_solution_folder_linked_outside_the_bucket_and_creates_nothing()
        {
            Run("").AssertNoErrors();
            Directory.CreateDirectory(Path.Combine(BucketDir, "solutions"));
            Directory.CreateSymbolicLink(Path.Combine(BucketDir, "solutions", "churn"), OutsideDir);
            var bucketBefore = Snapshot(BucketDir);

            var result = Run("$b | Add-MlSolution churn -Template simple-ml");

            Assert.Equal(new[] { "PathOutsideBucket" }, result.ErrorIds);
            Assert.Equal(System.Management.Automation.ErrorCategory.PermissionDenied, result.Errors[0].CategoryInfo.Category);
            Assert.Contains("solutions", result.Errors[0].TargetObject?.ToString());
            Assert.Empty(Snapshot(OutsideDir));
            Assert.Equal(bucketBefore, Snapshot(BucketDir));
        }

        [Fact]
        public void Update_MlSolution_never_deletes_through_a_link_leaving_the_bucket()
        {
            Run("$b | Add-MlSolution churn -Template $v1").AssertNoErrors();
            MoveSolutionOutsideBehindALink();
            var outsideBefore = Snapshot(OutsideDir);
            Assert.Contains(Path.Combine("churn", "legacy", "inner"), outsideBefore);

            var result = Run("$b | Update-MlSolution churn -Template $v2");

            Assert.Equal(new[] { "PathOutsideBucket" }, result.ErrorIds);
            Assert.Equal(outsideBefore, Snapshot(OutsideDir));
        }

        [Fact]
        public void Drift_reports_a_solution_folder_linked_outside_the_bucket()
        {
            Run("$b | Add-MlSolution churn -Template $v1").AssertNoErrors();
            MoveSolutionOutsideBehindALink();

            var findings = Run("$b | Get-MlLayoutDrift").AssertNoErrors().Output;

            var link = Assert.Single(findings);
            Assert.Equal("LinkOutsideBucket", Prop(link, "Category")!.ToString());
            Assert.Equal("solutions/churn/", Prop(link, "Key"));
            Assert.Equal("churn", Prop(link, "Solution"));
            Assert.Equal(false, Prop(link, "Repairable"));
            var summary = Run("$b | Get-MlLayoutDrift -Summary").AssertNoErrors().Output.Single(r => (string)Prop(r, "Solution")! == "churn");
            Assert.Equal(1, (int)Prop(summary, "LinkOutsideBucket")!);
            Assert.Equal(false, Prop(summary, "InSync"));
        }

        [Fact]
        public void A_LocalPath_reached_through_a_link_works_normally()
        {
            string real = Path.Combine(_temp.Path, "real-parent");
            string link = Path.Combine(_temp.Path, "linked-parent");
            Directory.CreateDirectory(real);
            Directory.CreateSymbolicLink(link, real);
            var vars = new Dictionary<string, object?> { ["d"] = link, ["v1"] = V1, ["v2"] = V2 };

            ModuleSession.Run("New-MlBucket -Override via-link -LocalPath $d | Add-MlSolution churn -Template $v1", vars).AssertNoErrors();
            var update = ModuleSession.Run("Get-MlBucket via-link -LocalPath $d | Update-MlSolution churn -Template $v2", vars).AssertNoErrors();
            var drift = ModuleSession.Run("Get-MlBucket via-link -LocalPath $d | Get-MlLayoutDrift", vars).AssertNoErrors();

            Assert.Equal(new[] { "solutions/churn/legacy/ -> solutions/churn/current/" }, ((System.Collections.IEnumerable)Prop(update.Output.Single(), "Renamed")!).Cast<object>().Select(o => o.ToString()));
            Assert.True(Directory.Exists(Path.Combine(real, "via-link", "solutions", "churn", "current", "inner")));
            Assert.False(Directory.Exists(Path.Combine(real, "via-link", "solutions", "churn", "legacy")));
            Assert.True(File.Exists(Path.Combine(real, "via-link", ".s3mllayout", "declared", "solutions", "churn.json")));
            Assert.Empty(drift.Output);
        }
    }
}
