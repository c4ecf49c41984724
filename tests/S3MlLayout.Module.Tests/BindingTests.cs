using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Objects bind by name and by property: CSV rows into New-MlBucket, a bucket's Solution and Template into
    /// Add-MlSolution, -BucketName instead of a bucket object, and a bucket that crossed a process boundary.
    /// </summary>
    public sealed class BindingTests : System.IDisposable
    {
        private readonly TempDirectory _temp = new TempDirectory();
        public void Dispose() => _temp.Dispose();

        private ScriptResult Run(string script) => ModuleSession.Run(script, new Dictionary<string, object?> { ["d"] = _temp.Path });

        // What Import-Csv makes of a CSV file: every cell a string, empty cells empty strings. (The hosted engine has
        // no Microsoft.PowerShell.Utility; Binding.Tests.ps1 runs the same with Import-Csv itself.)
        private const string Csv = @"
$csv = @(
    [pscustomobject]@{ CompanyPrefix = 'edge'; Environment = 'dev'; TenantId = 'a001'; Region = 'us-west-2'; Solution = 'churn;fraud'; Template = 'simple-ml'; BucketName = '' }
    [pscustomobject]@{ CompanyPrefix = 'edge'; Environment = 'prod'; TenantId = 'b002'; Region = 'us-east-1'; Solution = 'forecast'; Template = ''; BucketName = '' }
    [pscustomobject]@{ CompanyPrefix = ''; Environment = 'staging'; TenantId = 'c003'; Region = ''; Solution = 'x-sol, y-sol'; Template = 'simple-ml'; BucketName = 'custom-c003' }
)
";

        [Fact]
        public void Csv_rows_bind_to_New_MlBucket_and_their_solutions_to_Add_MlSolution()
        {
            var result = Run(Csv + "$csv | New-MlBucket -LocalPath $d | Add-MlSolution").AssertNoErrors();

            Assert.Equal(new[] { "edge-dev-a001-us-west-2/churn/simple-ml", "edge-dev-a001-us-west-2/fraud/simple-ml", "edge-prod-b002-us-east-1/forecast/master-solution",
                "custom-c003/x-sol/simple-ml", "custom-c003/y-sol/simple-ml" },
                result.Output.Select(o => $"{Prop(o, "Bucket")}/{Prop(o, "Solution")}/{Prop(o, "Template")}"));
            Assert.True(Directory.Exists(Path.Combine(_temp.Path, "custom-c003", "solutions", "y-sol")));
            Assert.True(Directory.Exists(Path.Combine(_temp.Path, "edge-prod-b002-us-east-1", "solutions", "forecast", "models")));
        }

        [Fact]
        public void An_override_row_keeps_its_environment_and_tenant()
        {
            var result = Run(Csv + "@($csv | New-MlBucket -LocalPath $d)[-1]").AssertNoErrors();
            var bucket = result.Output.Single();

            Assert.Equal(new object?[] { "custom-c003", "staging", "c003", null }, new[] { Prop(bucket, "Name"), Prop(bucket, "Environment"), Prop(bucket, "TenantId"), Prop(bucket, "CompanyPrefix") });
            string declared = File.ReadAllText(Path.Combine(_temp.Path, "custom-c003", ".s3mllayout", "declared", "bucket.json"));
            Assert.Matches("\"tenantId\":\\s*\"c003\"", declared);
            Assert.Matches("\"environment\":\\s*\"staging\"", declared);
        }

        [Fact]
        public void A_bad_part_beside_an_override_is_refused_and_nothing_is_created()
        {
            var result = Run("New-MlBucket -Override fine-name -TenantId Bad_Tenant -LocalPath $d");

            Assert.Equal(new[] { "TenantIdInvalidCharacter" }, result.ErrorIds);
            Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
        }

        [Fact]
        public void Empty_cells_mean_not_given()
        {
            var result = Run("[pscustomobject]@{ BucketName = 'empty-cells'; LocalPath = $d; Tag = ''; Solution = ''; Template = ''; KmsKeyId = ''; SkipDefault = ''; AbortIncompleteUploadDays = ''; ForcePathStyle = ''; LifecycleRule = ''; Include = '' } | New-MlBucket").AssertNoErrors();
            var bucket = result.Output.Single();

            Assert.Empty((string[])Prop(bucket, "Solution")!);
            Assert.Null(Prop(bucket, "Template"));
            Assert.True(Directory.Exists(Path.Combine(_temp.Path, "empty-cells")));
        }

        [Fact]
        public void A_bucket_with_no_solution_gets_SolutionMissing_and_nothing_is_written()
        {
            var result = Run("New-MlBucket -Override no-solution -LocalPath $d | Add-MlSolution");

            Assert.Equal(new[] { "SolutionMissing" }, result.ErrorIds);
            Assert.False(Directory.Exists(Path.Combine(_temp.Path, "no-solution", "solutions")));
        }

        [Fact]
        public void The_bucket_Name_is_not_taken_for_a_solution()
        {
            // Before -Solution replaced -Name, the piped bucket's Name bound as the solution name.
            var result = Run("New-MlBucket -Override name-bucket -LocalPath $d | Add-MlSolution");

            Assert.Equal(new[] { "SolutionMissing" }, result.ErrorIds);
            Assert.False(Directory.Exists(Path.Combine(_temp.Path, "name-bucket", "solutions", "name-bucket")));
        }

        [Fact]
        public void Explicit_solution_and_template_win_over_the_bucket_properties()
        {
            var result = Run("New-MlBucket -Override explicit-bucket -LocalPath $d -Solution carried -Template databricks | Add-MlSolution given -Template simple-ml").AssertNoErrors();

            Assert.Equal("given/simple-ml", result.Output.Select(o => $"{Prop(o, "Solution")}/{Prop(o, "Template")}").Single());
            Assert.False(Directory.Exists(Path.Combine(_temp.Path, "explicit-bucket", "solutions", "carried")));
        }

        [Theory]
        [InlineData("Add-MlSolution churn -Template simple-ml -BucketName named-bucket -LocalPath $d")]
        [InlineData("Add-MlDatePartition churn -Date 2024-01-02 -BucketName named-bucket -LocalPath $d")]
        [InlineData("New-MlFolder -Key extra/ -BucketName named-bucket -LocalPath $d")]
        [InlineData("'extra/' | New-MlFolder -BucketName named-bucket -LocalPath $d")]
        [InlineData("Get-MlLayoutDrift -BucketName named-bucket -LocalPath $d -Summary")]
        [InlineData("Test-MlLayout -BucketName named-bucket -LocalPath $d")]
        [InlineData("Show-MlLayout -BucketName named-bucket -LocalPath $d")]
        [InlineData("Update-MlSolution churn -Template simple-ml -Force -BucketName named-bucket -LocalPath $d")]
        [InlineData("[IO.Directory]::Delete([IO.Path]::Combine($d, 'named-bucket/solutions/churn/models'), $true); Get-MlLayoutDrift -BucketName named-bucket -LocalPath $d | Repair-MlLayout -BucketName named-bucket -LocalPath $d")]
        public void Every_bucket_cmdlet_takes_BucketName(string script)
        {
            Run("New-MlBucket -Override named-bucket -LocalPath $d | Add-MlSolution churn -Template simple-ml").AssertNoErrors();

            var result = Run(script).AssertNoErrors();

            Assert.NotEmpty(result.Output);
        }

        [Fact]
        public void BucketName_of_a_missing_bucket_is_BucketNotFound()
        {
            var result = Run("Add-MlSolution churn -BucketName missing-bucket -LocalPath $d");

            Assert.Equal(new[] { "BucketNotFound" }, result.ErrorIds);
            Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
        }

        [Fact]
        public void A_bucket_from_Import_Clixml_binds_and_is_rebuilt()
        {
            var result = Run(@"
# What Export-Clixml and Import-Clixml do (the hosted engine has no Microsoft.PowerShell.Utility).
$xml = [Management.Automation.PSSerializer]::Serialize((New-MlBucket -Override clixml-bucket -LocalPath $d -Environment dev -Solution churn -Template simple-ml), 2)
$copy = [Management.Automation.PSSerializer]::Deserialize($xml)
$copy.pstypenames[0]
$copy | Add-MlSolution
Add-MlDatePartition churn -Bucket $copy -Date 2024-05-06
").AssertNoErrors();

            Assert.Equal("Deserialized.S3MlLayout.Engine.Storage.MlBucket", result.Strings.First());
            Assert.Equal("churn/simple-ml", result.Output.Skip(1).Select(o => $"{Prop(o, "Solution")}/{Prop(o, "Template")}").First());
            Assert.True(Directory.Exists(Path.Combine(_temp.Path, "clixml-bucket", "solutions", "churn")));
        }

        [Theory]
        [InlineData("[pscustomobject]@{ PSTypeName = 'Deserialized.S3MlLayout.Engine.Storage.MlBucket'; Name = 'pretend'; Target = 'Local'; LocalPath = [IO.Path]::Combine($d, 'elsewhere') } | Add-MlSolution churn")]
        [InlineData("[pscustomobject]@{ PSTypeName = 'Deserialized.S3MlLayout.Engine.Storage.MlBucket'; Name = 'Bad_Name'; Target = 'Local'; LocalPath = [IO.Path]::Combine($d, 'Bad_Name') } | Add-MlSolution churn")]
        [InlineData("[pscustomobject]@{ Name = 'pretend'; Target = 'Local'; LocalPath = [IO.Path]::Combine($d, 'pretend') } | Add-MlSolution churn")]
        public void Lookalikes_of_a_deserialized_bucket_do_not_bind(string script)
        {
            var result = Run(script);

            // Not a bucket: nothing binds to -Bucket. Its LocalPath binds by property name (a connection parameter, in
            // every parameter set), so PowerShell names the missing mandatory bucket rather than an unbound object.
            Assert.Equal(new[] { "InputObjectMissingMandatory" }, result.ErrorIds);
            Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
        }
    }
}
