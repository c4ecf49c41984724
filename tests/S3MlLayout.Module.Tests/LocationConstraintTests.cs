using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// The CreateBucket body, as captured by the loopback proxy, carries exactly one LocationConstraint (the
    /// resolved region code) whatever region the environment or the profile also names.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class LocationConstraintTests
    {
        private readonly MotoServer _moto;
        private readonly string _company = "l" + Guid.NewGuid().ToString("N").Substring(0, 8);

        public LocationConstraintTests(MotoServer moto) { _moto = moto; }

        private static readonly string[] AmbientNames =
            { "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE" };

        /// <summary>
        /// Sets these variables (the rest of the ambient AWS_* settings cleared, config files empty) for the
        /// duration of one command; the S3 collection runs its tests one at a time, so no other test sees them.
        /// </summary>
        private sealed class Ambient : IDisposable
        {
            private readonly Dictionary<string, string?> _saved = AmbientNames.ToDictionary(n => n, Environment.GetEnvironmentVariable);
            // One directory for the process: the SDK remembers the config file paths it first read.
            public static readonly string Directory = Path.Combine(Path.GetTempPath(), "s3mllayout-ambient-" + Guid.NewGuid().ToString("N"));

            public Ambient(Dictionary<string, string?> set, string config = "", string credentials = "")
            {
                System.IO.Directory.CreateDirectory(Directory);
                File.WriteAllText(Path.Combine(Directory, "config"), config);
                File.WriteAllText(Path.Combine(Directory, "credentials"), credentials);
                File.WriteAllText(ProfileFile, ProfileCredentials);
                foreach (var name in AmbientNames) Environment.SetEnvironmentVariable(name, null);
                Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(Directory, "config"));
                Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(Directory, "credentials"));
                foreach (var pair in set) Environment.SetEnvironmentVariable(pair.Key, pair.Value);
            }

            /// <summary>
            /// The profile for -ProfileLocation: the SDK reads AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE once per
            /// process, so a profile named in them here is not seen; build.ps1 -Task Test covers that in its own process.
            /// </summary>
            public static string ProfileFile => Path.Combine(Directory, "profile");

            public void Dispose()
            {
                foreach (var pair in _saved) Environment.SetEnvironmentVariable(pair.Key, pair.Value);
                File.WriteAllText(Path.Combine(Directory, "config"), "");
                File.WriteAllText(Path.Combine(Directory, "credentials"), "");
            }
        }

        /// <summary>Creates a bucket through the recording proxy and returns the LocationConstraint values sent.</summary>
        private List<string> Constraints(string parameters, Ambient ambient)
        {
            using var proxy = new S3Proxy(_moto);
            string name = $"{_company}-{Guid.NewGuid().ToString("N").Substring(0, 6)}";
            ScriptResult result;
            using (ambient)
            {
                result = ModuleSession.Run($"New-MlBucket -Override {name} -EndpointUrl $endpoint -ForcePathStyle {parameters}",
                    _moto.Variables(new Dictionary<string, object?> { ["endpoint"] = proxy.Endpoint }));
            }
            var created = proxy.Created().Where(c => c.Path.TrimEnd('/') == "/" + name).ToList();
            Assert.True(created.Count == 1, $"{created.Count} CreateBucket requests; errors: {string.Join("; ", result.Errors.Select(e => e.Exception.Message))}");
            string body = created[0].Body;
            var sent = Regex.Matches(body, "<LocationConstraint[^>]*>([^<]*)</LocationConstraint>").Select(m => m.Groups[1].Value).ToList();
            // The body first: when it is wrong, the endpoint's refusal says less than the body does.
            Assert.True(sent.Count <= 1, $"{sent.Count} LocationConstraint elements sent: {body}");
            result.AssertNoErrors();
            return sent;
        }

        private const string Keys = "-AccessKey $ak -SecretKey $sk";
        private const string ProfileConfig = "[default]\nregion = eu-central-1\n[profile ml]\nregion = eu-central-1\n";
        private const string ProfileCredentials = "[ml]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = profile-secret\nregion = eu-central-1\n";
        private static string Profile => $"-ProfileName ml -ProfileLocation '{Ambient.ProfileFile}'";

        [Fact]
        public void Without_ambient_settings_the_region_is_sent_once()
        {
            Assert.Equal(new[] { "us-west-2" }, Constraints($"-Region us-west-2 {Keys}", new Ambient(new Dictionary<string, string?>())));
        }

        [Fact]
        public void AWS_REGION_and_AWS_DEFAULT_REGION_do_not_add_a_second_constraint()
        {
            var ambient = new Dictionary<string, string?> { ["AWS_REGION"] = "eu-west-1", ["AWS_DEFAULT_REGION"] = "ap-southeast-2" };
            Assert.Equal(new[] { "us-west-2" }, Constraints($"-Region us-west-2 {Keys}", new Ambient(ambient)));
        }

        [Fact]
        public void A_region_from_AWS_REGION_alone_is_sent_as_its_code_never_as_EU()
        {
            var ambient = new Dictionary<string, string?> { ["AWS_REGION"] = "eu-west-1" };
            Assert.Equal(new[] { "eu-west-1" }, Constraints(Keys, new Ambient(ambient)));
        }

        [Fact]
        public void A_profile_region_does_not_add_a_second_constraint()
        {
            Assert.Equal(new[] { "us-west-2" }, Constraints($"-Region us-west-2 {Profile}", new Ambient(new Dictionary<string, string?>(), ProfileConfig, ProfileCredentials)));
            // Without -Region the profile's region is the one sent, once.
            Assert.Equal(new[] { "eu-central-1" }, Constraints(Profile, new Ambient(new Dictionary<string, string?>(), ProfileConfig, ProfileCredentials)));
        }

        [Fact]
        public void All_ambient_regions_at_once_with_us_east_1_send_no_constraint()
        {
            var ambient = new Dictionary<string, string?> { ["AWS_REGION"] = "eu-west-1", ["AWS_DEFAULT_REGION"] = "ap-southeast-2" };
            Assert.Empty(Constraints($"-Region us-east-1 {Keys}", new Ambient(ambient, ProfileConfig, ProfileCredentials)));
            Assert.Equal(new[] { "ap-southeast-2" }, Constraints($"-Region ap-southeast-2 {Profile}", new Ambient(ambient, ProfileConfig, ProfileCredentials)));
        }
    }
}
