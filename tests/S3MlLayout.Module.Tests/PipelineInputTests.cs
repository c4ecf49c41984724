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
    /// Pipeline input binds only by what means something to the command: a bucket object, a folder node, a key
    /// string or an object with a Key property. Anything else is an InputObjectNotBound error for that object.
    /// </summary>
    public sealed class PipelineInputTests : IDisposable
    {
        private readonly TempDirectory _temp = new TempDirectory();
        private string BucketDir => Path.Combine(_temp.Path, "pipe-bucket");

        public void Dispose() => _temp.Dispose();

        private ScriptResult Run(string script) =>
            ModuleSession.Run("$b = New-MlBucket -Override pipe-bucket -LocalPath $d\n" + script, new Dictionary<string, object?> { ["d"] = _temp.Path });

        [Fact]
        public void New_MlFolder_takes_objects_with_a_Key_property()
        {
            var result = Run("[pscustomobject]@{ Key = 'projects/x/'; Name = 'ignored' } | New-MlFolder -Bucket $b").AssertNoErrors();

            Assert.Equal("projects/x/=Created", result.Output.Select(o => $"{Prop(o, "Key")}={Prop(o, "Outcome")}").Single());
            Assert.True(Directory.Exists(Path.Combine(BucketDir, "projects", "x")));
        }

        [Fact]
        public void New_MlFolder_reports_each_unusable_object_and_creates_the_rest()
        {
            var result = Run("'projects/a/', [Diagnostics.Process]::GetCurrentProcess(), 'projects/b/' | New-MlFolder -Bucket $b");

            Assert.Equal(new[] { "InputObjectNotBound" }, result.ErrorIds);
            Assert.Equal(new[] { "projects/a/", "projects/b/" }, result.Output.Select(o => (string)Prop(o, "Key")!));
            Assert.Equal(new[] { "a", "b" }, Directory.GetDirectories(Path.Combine(BucketDir, "projects")).Select(Path.GetFileName).OrderBy(n => n));
        }

        [Fact]
        public void A_bucket_object_from_Get_MlBucket_still_binds()
        {
            Run("").AssertNoErrors();
            var result = ModuleSession.Run("Get-MlBucket pipe-bucket -LocalPath $d | Add-MlSolution churn -Template simple-ml", new Dictionary<string, object?> { ["d"] = _temp.Path }).AssertNoErrors();

            Assert.Equal("churn", Prop(result.Output.Single(), "Solution"));
        }

        [Fact]
        public void A_hashtable_is_not_taken_for_a_bucket()
        {
            var result = Run("Add-MlSolution churn -Bucket @{ Name = 'pipe-bucket'; LocalPath = $d }");

            Assert.Single(result.Errors);
            Assert.False(Directory.Exists(Path.Combine(_temp.Path, "solutions")));
            Assert.False(Directory.Exists(Path.Combine(BucketDir, "solutions")));
        }
    }
}
