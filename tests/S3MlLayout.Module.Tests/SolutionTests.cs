using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>Get-MlBucket's listing, Get-MlSolution and Remove-MlSolution on the local target, through real pipelines.</summary>
    public sealed class LocalSolutionTests : IDisposable
    {
        private readonly TempDirectory _temp = new TempDirectory();
        private string BucketDir => Path.Combine(_temp.Path, "edge-dev-a001-us-west-2");
        private const string Bucket = "$b = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath $d\n";

        public void Dispose() => _temp.Dispose();

        private ScriptResult Run(string script) => ModuleSession.Run(script, new Dictionary<string, object?> { ["d"] = _temp.Path });

        [Fact]
        public void Get_MlBucket_without_a_name_lists_the_managed_buckets_and_filters_them()
        {
            Directory.CreateDirectory(Path.Combine(_temp.Path, "not-a-bucket"));
            var result = Run(@"
$null = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath $d
$null = New-MlBucket -CompanyPrefix edge -Environment prod -TenantId b002 -Region us-west-2 -LocalPath $d
$null = New-MlBucket -CompanyPrefix acme -Environment dev -TenantId a003 -Region us-west-2 -LocalPath $d
'all=' + ((Get-MlBucket -LocalPath $d | ForEach-Object Name) -join ',')
'env=' + ((Get-MlBucket -LocalPath $d -Environment pr* | ForEach-Object Name) -join ',')
'tenant=' + ((Get-MlBucket -LocalPath $d -Tenant a0* -CompanyPrefix edge | ForEach-Object Name) -join ',')
'none=' + @(Get-MlBucket -LocalPath $d -Tenant zz*).Count
$one = Get-MlBucket -LocalPath $d -Tenant b002
'type=' + $one.GetType().FullName + ' ' + $one.Target + ' ' + $one.Environment
'named=' + (Get-MlBucket edge-dev-a001-us-west-2 -LocalPath $d).Name + ' ' + @(Get-MlBucket -Region us-west-2 -LocalPath $d).Count
").AssertNoErrors();
            Assert.Equal(new[]
            {
                "all=acme-dev-a003-us-west-2,edge-dev-a001-us-west-2,edge-prod-b002-us-west-2",
                "env=edge-prod-b002-us-west-2",
                "tenant=edge-dev-a001-us-west-2",
                "none=0",
                "type=S3MlLayout.Engine.Storage.MlBucket Local prod",
                "named=edge-dev-a001-us-west-2 3",
            }, result.Strings);
        }

        [Fact]
        public void Get_MlSolution_lists_the_declared_solutions_and_a_listed_bucket_pipes_on()
        {
            var result = Run(Bucket + @"
$null = $b | Add-MlSolution churn, fraud -Template simple-ml
Get-MlBucket -LocalPath $d | Get-MlSolution
'--'
(Get-MlBucket -LocalPath $d | Get-MlSolution fr*).Solution
").AssertNoErrors();
            var solutions = result.Output.TakeWhile(o => (o.BaseObject as string) != "--").ToList();
            Assert.Equal(new[] { "churn", "fraud" }, solutions.Select(o => (string)Prop(o, "Solution")!));
            var churn = solutions[0];
            Assert.Equal("simple-ml", Prop(churn, "Template"));
            Assert.Equal("edge-dev-a001-us-west-2", Prop((System.Management.Automation.PSObject)System.Management.Automation.PSObject.AsPSObject(Prop(churn, "Bucket")), "Name"));
            Assert.True((DateTime)Prop(churn, "Provisioned")! > DateTime.UtcNow.AddMinutes(-5));
            Assert.Null(Prop(churn, "LastChecked"));
            Assert.Equal(Path.Combine(BucketDir, "solutions", "churn") + Path.DirectorySeparatorChar, Prop(churn, "Uri"));
            Assert.Equal(new object[] { "fraud" }, result.Output.SkipWhile(o => (o.BaseObject as string) != "--").Skip(1).Select(o => o.BaseObject));
        }

        [Fact]
        public void Get_MlSolution_of_a_name_that_is_not_declared_is_an_error()
        {
            var result = Run(Bucket + "$b | Get-MlSolution nothing-here");
            Assert.Equal(new[] { "SolutionNotDeclared" }, result.ErrorIds);
            Assert.Empty(result.Output);
        }

        [Fact]
        public void Remove_MlSolution_Force_removes_an_empty_solution_its_declaration_and_nothing_else()
        {
            var result = Run(Bucket + @"
$null = $b | Add-MlSolution churn, fraud -Template simple-ml
$b | Remove-MlSolution churn -Force
").AssertNoErrors();
            var removed = Assert.Single(result.Output);
            Assert.Equal("churn", Prop(removed, "Solution"));
            Assert.True((bool)Prop(removed, "DeclarationRemoved")!);
            Assert.True((int)Prop(removed, "Removed")! > 5);
            Assert.False(Directory.Exists(Path.Combine(BucketDir, "solutions", "churn")));
            Assert.False(File.Exists(Path.Combine(BucketDir, ".s3mllayout", "declared", "solutions", "churn.json")));
            Assert.True(Directory.Exists(Path.Combine(BucketDir, "solutions", "fraud", "dataset", "raw")));
            Assert.True(File.Exists(Path.Combine(BucketDir, ".s3mllayout", "declared", "solutions", "fraud.json")));
        }

        [Fact]
        public void Remove_MlSolution_takes_solutions_from_Get_MlSolution()
        {
            var result = Run(Bucket + @"
$null = $b | Add-MlSolution churn, fraud -Template simple-ml
$b | Get-MlSolution | Remove-MlSolution -Confirm:$false | ForEach-Object Solution
@($b | Get-MlSolution).Count
").AssertNoErrors();
            Assert.Equal(new object[] { "churn", "fraud", 0 }, result.Output.Select(o => o.BaseObject));
            Assert.Empty(Directory.GetDirectories(Path.Combine(BucketDir, "solutions")));
        }

        [Fact]
        public void Remove_MlSolution_asks_for_confirmation_without_Force()
        {
            // The test host cannot answer a prompt: asking at all fails the command, and nothing is removed.
            var result = Run(Bucket + "$null = $b | Add-MlSolution churn -Template simple-ml\n$b | Remove-MlSolution churn");
            Assert.NotEmpty(result.Errors);
            Assert.Contains(result.Errors, e => e.ToString().Contains("prompted"));
            Assert.True(Directory.Exists(Path.Combine(BucketDir, "solutions", "churn", "dataset")));
            Assert.True(File.Exists(Path.Combine(BucketDir, ".s3mllayout", "declared", "solutions", "churn.json")));
        }

        [Fact]
        public void Remove_MlSolution_WhatIf_shows_each_removal_and_removes_nothing_even_with_Force()
        {
            var result = Run(Bucket + "$null = $b | Add-MlSolution churn -Template simple-ml\n$b | Remove-MlSolution churn -WhatIf -Force").AssertNoErrors();
            var whatIf = result.HostLines.Where(l => l.StartsWith("What if:")).ToList();
            Assert.Contains(whatIf, l => l.Contains("Remove folder marker") && l.Contains(Path.Combine(BucketDir, "solutions", "churn", "dataset", "raw")));
            Assert.Contains(whatIf, l => l.Contains("Remove declared layout simple-ml"));
            Assert.Empty(result.Output);
            Assert.True(Directory.Exists(Path.Combine(BucketDir, "solutions", "churn", "dataset", "raw")));
            Assert.True(File.Exists(Path.Combine(BucketDir, ".s3mllayout", "declared", "solutions", "churn.json")));
            Assert.False(Directory.Exists(Path.Combine(BucketDir, ".s3mllayout", "audit")) && Directory.GetFiles(Path.Combine(BucketDir, ".s3mllayout", "audit"), "*.json", SearchOption.AllDirectories)
                .Any(f => File.ReadAllText(f).Contains("Remove-MlSolution")));
        }

        [Fact]
        public void Remove_MlSolution_refuses_a_solution_holding_data_lists_it_and_WhatIf_shows_the_refusal()
        {
            string data = Path.Combine(BucketDir, "solutions", "churn", "dataset", "raw", "customers.csv");
            var setup = Run(Bucket + "$null = $b | Add-MlSolution churn -Template simple-ml").AssertNoErrors();
            File.WriteAllText(data, "id,label\n1,0\n");
            foreach (var switches in new[] { "-Force", "-WhatIf" })
            {
                var result = Run($"Get-MlBucket edge-dev-a001-us-west-2 -LocalPath $d | Remove-MlSolution churn {switches}");
                var error = Assert.Single(result.Errors);
                Assert.Equal("SolutionHoldsData", error.FullyQualifiedErrorId.Split(',')[0]);
                Assert.Equal(System.Management.Automation.ErrorCategory.ResourceExists, error.CategoryInfo.Category);
                Assert.Equal(Path.Combine(BucketDir, "solutions", "churn") + Path.DirectorySeparatorChar, error.TargetObject);
                Assert.Contains("1 data object", error.Exception.Message);
                Assert.Contains(data, error.Exception.Message);
                Assert.Empty(result.Output);
                Assert.DoesNotContain(result.HostLines, l => l.StartsWith("What if:"));
            }
            Assert.Equal("id,label\n1,0\n", File.ReadAllText(data));
            Assert.True(File.Exists(Path.Combine(BucketDir, ".s3mllayout", "declared", "solutions", "churn.json")));
            Assert.True(Directory.Exists(Path.Combine(BucketDir, "solutions", "churn", "models")));
        }
    }

    /// <summary>The same on a real S3 API (moto on loopback): listing by tags, removal by conditional deletes.</summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class S3SolutionTests
    {
        private readonly MotoServer _moto;
        private readonly string _company = "s" + Guid.NewGuid().ToString("N").Substring(0, 8);

        public S3SolutionTests(MotoServer moto) { _moto = moto; }

        private string Bucket => $"{_company}-dev-a001-us-east-1";
        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";

        private ScriptResult Run(string script) => ModuleSession.Run(Connection + script, _moto.Variables());

        [Fact]
        public void Get_MlBucket_without_a_name_lists_the_buckets_tagged_as_managed_and_skips_the_others()
        {
            _moto.Aws($"s3api create-bucket --bucket {_company}-untagged");
            var result = Run($@"
$null = New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn
$null = New-MlBucket -CompanyPrefix {_company} -Environment prod -TenantId b002 -Region us-east-1 @conn
'all=' + ((Get-MlBucket -CompanyPrefix {_company} @conn | ForEach-Object {{ $_.Name + '/' + $_.Environment + '/' + $_.TenantId + '/' + ($null -eq $_.Settings) }}) -join ',')
'prod=' + ((Get-MlBucket -CompanyPrefix {_company} -Environment prod -IncludeSettings @conn | ForEach-Object {{ $_.Name + '/' + $_.Settings.Versioning }}) -join ',')
'tenant=' + ((Get-MlBucket -CompanyPrefix {_company[..4]}* -Tenant A0* @conn | ForEach-Object Name) -join ',')
$listed = Get-MlBucket -CompanyPrefix {_company} -Tenant a001 @conn
$null = $listed | Add-MlSolution churn -Template simple-ml
'solutions=' + (($listed | Get-MlSolution).Solution -join ',')
").AssertNoErrors();
            Assert.Equal(new[]
            {
                $"all={_company}-dev-a001-us-east-1/dev/a001/True,{_company}-prod-b002-us-east-1/prod/b002/True",
                $"prod={_company}-prod-b002-us-east-1/Enabled",
                $"tenant={_company}-dev-a001-us-east-1",
                "solutions=churn",
            }, result.Strings);
        }

        [Fact]
        public void Get_MlBucket_lists_a_bucket_without_tags_that_holds_bucket_json()
        {
            string name = $"{_company}-declared";
            _moto.Aws($"s3api create-bucket --bucket {name}");
            string file = Path.GetTempFileName();
            File.WriteAllText(file, $"{{\"schema\":1,\"name\":\"{name}\",\"companyPrefix\":\"{_company}\",\"environment\":\"dev\",\"tenantId\":\"c003\"}}");
            try { _moto.Aws($"s3api put-object --bucket {name} --key .s3mllayout/declared/bucket.json --body {file}"); }
            finally { File.Delete(file); }
            var result = Run($"Get-MlBucket -CompanyPrefix {_company} -Tenant c003 @conn | ForEach-Object {{ $_.Name + '/' + $_.TenantId }}").AssertNoErrors();
            Assert.Equal(new[] { $"{name}/c003" }, result.Strings);
        }

        [Fact]
        public void Remove_MlSolution_removes_the_markers_and_the_declaration_and_refuses_a_solution_holding_data()
        {
            var result = Run($@"
$b = New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn
$null = $b | Add-MlSolution churn, fraud -Template simple-ml
$b | Remove-MlSolution churn -Force | ForEach-Object {{ 'removed=' + $_.Removed + ' declaration=' + $_.DeclarationRemoved + ' left=' + $_.MarkersLeft.Count }}
").AssertNoErrors();
            var line = Assert.Single(result.Strings);
            Assert.Matches(@"^removed=\d+ declaration=True left=0$", line);
            Assert.Empty(_moto.Keys(Bucket, "solutions/churn/"));
            Assert.DoesNotContain(".s3mllayout/declared/solutions/churn.json", _moto.Keys(Bucket, ".s3mllayout/declared/"));
            Assert.Contains("solutions/fraud/dataset/raw/", _moto.Keys(Bucket, "solutions/fraud/"));
            var audit = _moto.Keys(Bucket, ".s3mllayout/audit/").Select(k => _moto.Aws($"s3 cp s3://{Bucket}/{k} -")).Single(t => t.Contains("Remove-MlSolution"));
            Assert.Contains("solutions/churn/dataset/raw/", audit);
            Assert.Contains(".s3mllayout/declared/solutions/churn.json", audit);

            string file = Path.GetTempFileName();
            File.WriteAllText(file, "id,label\n1,0\n");
            try { _moto.Aws($"s3api put-object --bucket {Bucket} --key solutions/fraud/models/model.pkl --body {file}"); }
            finally { File.Delete(file); }
            var refused = Run($"Get-MlBucket {Bucket} @conn | Remove-MlSolution fraud -Force");
            var error = Assert.Single(refused.Errors);
            Assert.Equal("SolutionHoldsData", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains($"s3://{Bucket}/solutions/fraud/models/model.pkl", error.Exception.Message);
            Assert.Contains("solutions/fraud/models/model.pkl", _moto.Keys(Bucket, "solutions/fraud/"));
            Assert.Contains("solutions/fraud/models/", _moto.Keys(Bucket, "solutions/fraud/"));
            Assert.Contains(".s3mllayout/declared/solutions/fraud.json", _moto.Keys(Bucket, ".s3mllayout/declared/"));
        }
    }
}
