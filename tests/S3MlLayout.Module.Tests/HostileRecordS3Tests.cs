using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Issue 14: whoever can write to a bucket shapes its records. A bucket.json far larger than S3MlLayout ever writes
    /// is refused with RecordTooLarge instead of being read whole (the old code read any size into memory).
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class HostileRecordS3Tests
    {
        private readonly MotoServer _moto;
        private readonly string _company = "t" + Guid.NewGuid().ToString("N").Substring(0, 8);

        public HostileRecordS3Tests(MotoServer moto) { _moto = moto; }

        private string Bucket => $"{_company}-dev-a001-us-east-1";

        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";

        private ScriptResult Run(string script) => ModuleSession.Run(Connection + script, _moto.Variables());

        [Fact]
        public void An_over_limit_bucket_json_object_is_refused_with_RecordTooLarge()
        {
            Run($"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn | Out-Null").AssertNoErrors();
            const string key = ".s3mllayout/declared/bucket.json";
            Assert.Contains(key, _moto.Keys(Bucket));

            // The record as written, followed by 40 MB of spaces: still valid JSON, which the old code read whole and accepted.
            string body = Path.GetTempFileName();
            try
            {
                _moto.Aws($"s3api get-object --bucket {Bucket} --key {key} {body}");
                using (var stream = new FileStream(body, FileMode.Append))
                {
                    var spaces = Enumerable.Repeat((byte)' ', 1 << 20).ToArray();
                    for (int i = 0; i < 40; i++) stream.Write(spaces, 0, spaces.Length);
                }
                _moto.Aws($"s3api put-object --bucket {Bucket} --key {key} --body {body}");
            }
            finally { File.Delete(body); }

            var result = Run($"Get-MlBucket {Bucket} @conn");

            Assert.Equal(new[] { "RecordTooLarge" }, result.ErrorIds);
            Assert.Equal(ErrorCategory.LimitsExceeded, result.Errors[0].CategoryInfo.Category);
            Assert.Equal($"s3://{Bucket}/{key}", result.Errors[0].TargetObject?.ToString());
            Assert.Empty(result.Output);
        }
    }
}
