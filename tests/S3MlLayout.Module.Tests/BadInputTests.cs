using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Every bad input gets a clear error with a stable ErrorId and the right category, and nothing is written.
    /// Each case starts from a directory holding one existing bucket, and the directory must be unchanged after.
    /// </summary>
    public sealed class BadInputTests
    {
        private const string Parts = "-Environment dev -TenantId a001 -Region us-west-2";

        public static IEnumerable<object[]> Cases() => new[]
        {
            // bucket name parts
            Case("CompanyPrefixInvalidCharacter", ErrorCategory.InvalidArgument, $"New-MlBucket -CompanyPrefix Edge {Parts} -LocalPath $d", "'E' at position 1"),
            Case("CompanyPrefixInvalidCharacter", ErrorCategory.InvalidArgument, $"New-MlBucket -CompanyPrefix ed_ge {Parts} -LocalPath $d", "'_'"),
            Case("TenantIdInvalidHyphen", ErrorCategory.InvalidArgument, "New-MlBucket -CompanyPrefix edge -Environment dev -TenantId -a001 -Region us-west-2 -LocalPath $d", "hyphen"),
            Case("EnvironmentUnknown", ErrorCategory.InvalidArgument, "New-MlBucket -CompanyPrefix edge -Environment qa -TenantId a001 -Region us-west-2 -LocalPath $d", "dev, staging, prod"),
            Case("RegionUnknown", ErrorCategory.InvalidArgument, "New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-9 -LocalPath $d", "-CustomRegion"),
            Case("BucketNameTooLong", ErrorCategory.InvalidArgument, $"New-MlBucket -CompanyPrefix averyveryverylongcompanyprefixname {Parts} -TenantId tenant-000000001 -LocalPath $d".Replace("-TenantId a001 ", ""), "over S3's 63-character limit"),
            // overrides
            Case("BucketNameTooShort", ErrorCategory.InvalidArgument, "New-MlBucket -Override ab -LocalPath $d", "at least 3"),
            Case("BucketNameIpAddress", ErrorCategory.InvalidArgument, "New-MlBucket -Override 192.168.1.10 -LocalPath $d", "IP address"),
            Case("BucketNameReservedPrefix", ErrorCategory.InvalidArgument, "New-MlBucket -Override xn--bucket -LocalPath $d", "xn--"),
            Case("BucketNameReservedSuffix", ErrorCategory.InvalidArgument, "New-MlBucket -Override my-bucket-s3alias -LocalPath $d", "-s3alias"),
            Case("BucketNameInvalidCharacter", ErrorCategory.InvalidArgument, "Get-MlBucketName -Override My_Bucket", "'M' at position 1"),
            Case("BucketNameAdjacentPeriods", ErrorCategory.InvalidArgument, "New-MlBucket -Override bucket..name -LocalPath $d", "'..'"),
            Case("BucketNameInvalidStart", ErrorCategory.InvalidArgument, "New-MlBucket -Override .bucket -LocalPath $d", "must start"),
            // paths
            Case("LocalPathNotFound", ErrorCategory.ObjectNotFound, "New-MlBucket -Override my-bucket -LocalPath (Join-PathSafe $d 'missing')", "does not exist"),
            Case("LocalPathIsFile", ErrorCategory.InvalidArgument, "New-MlBucket -Override my-bucket -LocalPath (Join-PathSafe $d 'a-file.txt')", "is a file"),
            Case("LocalPathInvalid", ErrorCategory.InvalidArgument, "New-MlBucket -Override my-bucket -LocalPath Env:", "Environment provider"),
            // solutions, templates and YAML
            Case("SolutionNameInvalid", ErrorCategory.InvalidArgument, "$b | Add-MlSolution good-one,Customer_Churn", "customer-churn"),
            Case("TemplateNotFound", ErrorCategory.ObjectNotFound, "$b | Add-MlSolution churn -Template master-solutoin", "master-solution"),
            Case("TemplateFileNotFound", ErrorCategory.ObjectNotFound, "$b | Add-MlSolution churn -Template ./nope.yaml", "does not exist"),
            Case("TemplateUnknownKey", ErrorCategory.InvalidData, "$b | Add-MlSolution churn -Template (Write-Yaml 'unknown.yaml' \"name: t`nversion: 1.0.0`nfolders:`n  - name: raw`n    partiton: daily`n\")", "unknown.yaml:5:5"),
            Case("TemplateYamlInvalid", ErrorCategory.InvalidData, "$b | Add-MlSolution churn -Template (Write-Yaml 'broken.yaml' \"name: t`nversion: 1.0.0`nfolders: [raw`n\")", "broken.yaml:"),
            Case("TemplateExtendsCycle", ErrorCategory.InvalidData, "Write-Yaml 'b.yaml' \"name: b`nversion: 1.0.0`nextends: a`n\" > $null; $b | Add-MlSolution churn -Template (Write-Yaml 'a.yaml' \"name: a`nversion: 1.0.0`nextends: b`n\")", "cycle"),
            Case("TemplateFolderNameInvalid", ErrorCategory.InvalidData, "$b | Add-MlSolution churn -Template (Write-Yaml 'style.yaml' \"name: t`nversion: 1.0.0`nstyle: snake_case`nfolders:`n  - name: Raw-Data`n\")", "raw_data"),
            Case("TemplateDuplicateFolder", ErrorCategory.InvalidData, "Get-MlLayoutTemplate -Path (Write-Yaml 'dup.yaml' \"name: t`nversion: 1.0.0`nfolders:`n  - raw`n  - raw`n\")", "dup.yaml:5:5"),
            Case("IncludeUnknown", ErrorCategory.InvalidArgument, "$b | Add-MlSolution churn -Include /nothing", "/shared"),
            // dates and keys
            Case("DateRangeInvalid", ErrorCategory.InvalidArgument, "$b | Add-MlDatePartition churn -From 2024-02-01 -To 2024-01-01", "swap"),
            Case("DateRangeTooLarge", ErrorCategory.LimitsExceeded, "$b | Add-MlDatePartition churn -From 2000-01-01 -To 2024-01-01", "3660"),
            Case("FolderKeyInvalid", ErrorCategory.InvalidArgument, "New-MlFolder -Bucket $b -Key 'a//b/'", "empty"),
            Case("FolderKeyInvalid", ErrorCategory.InvalidArgument, "New-MlFolder -Bucket $b -Key '/abs/'", "relative"),
            // pipeline input that means nothing to the command, and the reserved .s3mllayout/ prefix
            Case("InputObjectNotBound", ErrorCategory.InvalidArgument, "[Diagnostics.Process]::GetCurrentProcess() | New-MlFolder -Bucket $b", "Key"),
            Case("InputObjectMissingMandatory", ErrorCategory.InvalidArgument, "[pscustomobject]@{ Name = 'existing-bucket'; LocalPath = $d } | Add-MlSolution churn", "input"),
            Case("InputObjectMissingMandatory", ErrorCategory.InvalidArgument, "[pscustomobject]@{ Name = 'existing-bucket'; LocalPath = $d } | Get-MlLayoutDrift", "input"),
            Case("KeyReserved", ErrorCategory.InvalidArgument, "New-MlFolder -Bucket $b -Key .s3mllayout/declared/solutions/churn.json", ".s3mllayout/"),
            Case("KeyReserved", ErrorCategory.InvalidArgument, "'.S3MlLayout/audit/' | New-MlFolder -Bucket $b", ".s3mllayout/"),
            Case("KeyReserved", ErrorCategory.InvalidArgument, "$n = @(Get-MlLayout simple-ml -Solution churn)[0]; $n.Key = '.s3mllayout/'; $n | New-MlFolder -Bucket $b", ".s3mllayout/"),
            Case("KeyReserved", ErrorCategory.InvalidData, "$b | Add-MlSolution churn -Template (Write-Yaml 'reserved.yaml' \"name: t`nversion: 1.0.0`nfolders:`n  - raw`nbucketFolders:`n  - name: .s3mllayout`n    style: any`n\")", ".s3mllayout/"),
            Case("BucketNotFound", ErrorCategory.ObjectNotFound, "$gone = New-MlBucket -Override gone-bucket -LocalPath $d; [IO.Directory]::Delete($gone.LocalPath, $true); $before = $null; $gone | Add-MlSolution churn", "New-MlBucket"),
        };

        private static object[] Case(string errorId, ErrorCategory category, string script, string messagePart) =>
            new object[] { errorId, category, script, messagePart };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Bad_input_gets_a_clear_error_and_changes_nothing(string errorId, ErrorCategory category, string script, string messagePart)
        {
            using var temp = new TempDirectory();
            File.WriteAllText(Path.Combine(temp.Path, "a-file.txt"), "not a directory");
            var setup = ModuleSession.Run("New-MlBucket -Override existing-bucket -LocalPath $d > $null", new Dictionary<string, object?> { ["d"] = temp.Path }).AssertNoErrors();
            var yamlDirectory = Path.Combine(Path.GetTempPath(), "s3mllayout-yaml-" + System.Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(yamlDirectory);
            var before = temp.Snapshot();
            try
            {
                var result = ModuleSession.Run(@"
function Join-PathSafe($a, $b) { [IO.Path]::Combine($a, $b) }
function Write-Yaml($name, $text) { $p = [IO.Path]::Combine($yaml, $name); [IO.File]::WriteAllText($p, $text); $p }
$null = $ExecutionContext.SessionState.Path.SetLocation($yaml)
$b = Get-MlBucket existing-bucket -LocalPath $d
" + script, new Dictionary<string, object?> { ["d"] = temp.Path, ["yaml"] = yamlDirectory });

                Assert.True(result.Errors.Count == 1, "expected one error, got:\n" + string.Join("\n", result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
                var error = result.Errors[0];
                Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
                Assert.Equal(category, error.CategoryInfo.Category);
                Assert.Contains(messagePart, error.Exception.Message);
                Assert.NotNull(error.TargetObject);
                var after = temp.Snapshot();
                if (errorId == "BucketNotFound") after = after.Where(p => !p.StartsWith("gone-bucket")).ToArray();
                Assert.Equal(before, after);
            }
            finally
            {
                Directory.Delete(yamlDirectory, true);
            }
        }
    }
}
