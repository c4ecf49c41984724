using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.S3;

/// <summary>The resolution order of anchors.md §1, with the environment and the shared credentials file under test control.</summary>
public sealed class S3ConnectionResolverTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _credentials;

    public S3ConnectionResolverTests()
    {
        _credentials = _temp.WriteFile("credentials", """
            [default]
            aws_access_key_id = AKIADEFAULT000000001
            aws_secret_access_key = default-secret
            region = eu-central-1

            [ml-admin]
            aws_access_key_id = AKIAPROFILE000000001
            aws_secret_access_key = profile-secret
            region = eu-west-1

            [from-env]
            aws_access_key_id = AKIAENVPROFILE000001
            aws_secret_access_key = env-profile-secret
            """);
    }

    public void Dispose() => _temp.Dispose();

    private S3Connection Resolve(S3ConnectionSettings settings, Dictionary<string, string>? environment = null, List<string>? debug = null)
    {
        settings.ProfileLocation ??= _credentials;
        var env = environment ?? new Dictionary<string, string>();
        return S3ConnectionResolver.Resolve(settings, name => env.TryGetValue(name, out var value) ? value : null, debug == null ? null : debug.Add);
    }

    private static readonly Dictionary<string, string> EverythingSet = new()
    {
        ["AWS_PROFILE"] = "from-env",
        ["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT00001",
        ["AWS_SECRET_ACCESS_KEY"] = "environment-secret",
        ["AWS_REGION"] = "ap-southeast-2",
        ["AWS_DEFAULT_REGION"] = "sa-east-1",
        ["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9001",
        ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9002",
    };

    [Fact]
    public void Explicit_keys_win_over_everything()
    {
        var connection = Resolve(new S3ConnectionSettings { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "explicit-secret", ProfileName = "ml-admin", Region = "us-west-2" }, EverythingSet);
        Assert.StartsWith("explicit keys", connection.CredentialSource);
        Assert.Equal("AKIAEXPLICIT00000001", connection.Credentials.GetCredentials().AccessKey);
        Assert.Equal(("us-west-2", "-Region"), (connection.Region, connection.RegionSource));
    }

    [Fact]
    public void ProfileName_comes_next_and_gives_its_region()
    {
        var connection = Resolve(new S3ConnectionSettings { ProfileName = "ml-admin" }, EverythingSet);
        Assert.Equal("profile 'ml-admin' (-ProfileName)", connection.CredentialSource);
        Assert.Equal("AKIAPROFILE000000001", connection.Credentials.GetCredentials().AccessKey);
        Assert.Equal(("eu-west-1", "profile 'ml-admin'"), (connection.Region, connection.RegionSource));
    }

    [Fact]
    public void AWS_PROFILE_is_honoured_before_the_key_variables()
    {
        var connection = Resolve(new S3ConnectionSettings(), EverythingSet);
        Assert.Equal("profile 'from-env' (AWS_PROFILE)", connection.CredentialSource);
        Assert.Equal("AKIAENVPROFILE000001", connection.Credentials.GetCredentials().AccessKey);
        Assert.Equal(("ap-southeast-2", "AWS_REGION"), (connection.Region, connection.RegionSource)); // that profile has no region
    }

    [Fact]
    public void Key_variables_then_the_default_profile()
    {
        var keys = Resolve(new S3ConnectionSettings(), new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT00001", ["AWS_SECRET_ACCESS_KEY"] = "s", ["AWS_DEFAULT_REGION"] = "sa-east-1" });
        Assert.StartsWith("environment variables", keys.CredentialSource);
        Assert.Equal(("sa-east-1", "AWS_DEFAULT_REGION"), (keys.Region, keys.RegionSource));

        var fallback = Resolve(new S3ConnectionSettings());
        Assert.Equal("profile 'default'", fallback.CredentialSource);
        Assert.Equal("eu-central-1", fallback.Region);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_named_profile_that_does_not_exist_is_an_error_never_a_fallback(bool fromParameter)
    {
        var env = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "AKIAENVIRONMENT00001", ["AWS_SECRET_ACCESS_KEY"] = "s" };
        if (!fromParameter) env["AWS_PROFILE"] = "nobody";
        var error = Assert.Throws<MlLayoutException>(() => Resolve(new S3ConnectionSettings { ProfileName = fromParameter ? "nobody" : null, Region = "us-east-1" }, env));
        Assert.Equal("ProfileNotFound", error.ErrorId);
        Assert.Contains(fromParameter ? "-ProfileName" : "AWS_PROFILE", error.Message);
    }

    [Fact]
    public void Endpoint_order_is_parameter_then_S3_variable_then_generic_variable()
    {
        var keys = new S3ConnectionSettings { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "x" };
        Assert.Equal(("http://127.0.0.1:9000", "-EndpointUrl"), Endpoint(Resolve(new S3ConnectionSettings { AccessKey = "a", SecretKey = "b", EndpointUrl = "http://127.0.0.1:9000/" }, EverythingSet)));
        Assert.Equal(("http://127.0.0.1:9001", "AWS_ENDPOINT_URL_S3"), Endpoint(Resolve(keys, EverythingSet)));
        var generic = new Dictionary<string, string>(EverythingSet);
        generic.Remove("AWS_ENDPOINT_URL_S3");
        Assert.Equal(("http://127.0.0.1:9002", "AWS_ENDPOINT_URL"), Endpoint(Resolve(keys, generic)));
        // With a custom endpoint and no region anywhere, us-east-1 is used and said so.
        var bare = Resolve(new S3ConnectionSettings { AccessKey = "a", SecretKey = "b", EndpointUrl = "http://127.0.0.1:9000", ProfileLocation = _temp.WriteFile("empty", "") });
        Assert.Equal(("us-east-1", "default for a custom endpoint"), (bare.Region, bare.RegionSource));
    }

    private static (string?, string) Endpoint(S3Connection c) => (c.EndpointUrl, c.EndpointSource);

    [Theory]
    [InlineData("AKIAONLYKEY000000001", null, null)]
    [InlineData(null, "only-secret", null)]
    [InlineData(null, null, "only-token")]
    public void Incomplete_keys_are_refused(string? accessKey, string? secretKey, string? token)
    {
        var error = Assert.Throws<MlLayoutException>(() => Resolve(new S3ConnectionSettings { AccessKey = accessKey, SecretKey = secretKey, SessionToken = token, Region = "us-east-1" }));
        Assert.Equal("CredentialsIncomplete", error.ErrorId);
    }

    [Theory]
    [InlineData("127.0.0.1:9000")]
    [InlineData("ftp://127.0.0.1/")]
    public void An_endpoint_that_is_not_an_http_url_is_refused(string endpoint)
    {
        var error = Assert.Throws<MlLayoutException>(() => Resolve(new S3ConnectionSettings { AccessKey = "a", SecretKey = "b", EndpointUrl = endpoint }));
        Assert.Equal("EndpointUrlInvalid", error.ErrorId);
    }

    [Fact]
    public void No_region_for_Amazon_S3_is_an_error_not_a_metadata_lookup()
    {
        var error = Assert.Throws<MlLayoutException>(() => Resolve(new S3ConnectionSettings { AccessKey = "a", SecretKey = "b", ProfileLocation = _temp.WriteFile("none", "") }));
        Assert.Equal("RegionNotSet", error.ErrorId);
    }

    [Theory]
    [InlineData("us east 1")]
    [InlineData("us-east-1\u001b[31m")]
    [InlineData("-us-east-1")]
    [InlineData("")]
    public void A_region_that_is_no_host_label_is_refused_naming_its_source_before_any_line_carries_it(string region)
    {
        var debug = new List<string>();
        var error = Assert.Throws<MlLayoutException>(() => Resolve(new S3ConnectionSettings { AccessKey = "a", SecretKey = "b" },
            new Dictionary<string, string> { ["AWS_REGION"] = region }, debug));
        // An empty variable counts as unset, as the SDK and the AWS CLI take it.
        Assert.Equal(region.Length == 0 ? "RegionNotSet" : "RegionInvalid", error.ErrorId);
        if (region.Length > 0) Assert.Equal("AWS_REGION", error.Target);
        Assert.DoesNotContain(debug, d => d.StartsWith("Region:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("us-west-2")]
    [InlineData("default")]
    [InlineData("Garage-1")]
    public void A_custom_endpoint_region_that_is_a_host_label_is_taken_as_given(string region)
    {
        var connection = Resolve(new S3ConnectionSettings { AccessKey = "a", SecretKey = "b", EndpointUrl = "http://127.0.0.1:9000" },
            new Dictionary<string, string> { ["AWS_REGION"] = region });
        Assert.Equal(region, connection.Region);
    }

    [Fact]
    public void A_profile_the_SDK_cannot_read_is_ProfileUnreadable_naming_the_profile_and_its_file()
    {
        string file = _temp.WriteFile("broken", "[broken]\naws_access_key_id = a\naws_secret_access_key = b\nregion = us east 1\n");
        var error = Assert.Throws<MlLayoutException>(() => Resolve(new S3ConnectionSettings { ProfileName = "broken", ProfileLocation = file }));
        Assert.Equal("ProfileUnreadable", error.ErrorId);
        Assert.Equal(file, error.Target);
        Assert.StartsWith($"The AWS profile 'broken' in '{file}' cannot be used: ", error.Message);
        // The default profile, read when nothing else names credentials, is refused the same way: never a crash from the SDK.
        string defaults = _temp.WriteFile("broken-default", "[default]\naws_access_key_id = a\naws_secret_access_key = b\nregion = us east 1\n");
        Assert.Equal("ProfileUnreadable", Assert.Throws<MlLayoutException>(() => Resolve(new S3ConnectionSettings { ProfileLocation = defaults })).ErrorId);
    }

    [Fact]
    public void The_debug_lines_and_the_text_never_carry_a_secret()
    {
        var debug = new List<string>();
        var connection = Resolve(new S3ConnectionSettings { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "top-secret-value", SessionToken = "token-value", Region = "us-east-1" }, null, debug);
        Assert.Equal(3, debug.Count);
        foreach (var text in debug.Append(connection.ToString()))
        {
            Assert.DoesNotContain("top-secret-value", text);
            Assert.DoesNotContain("token-value", text);
        }
    }

    // AWS Tools' session defaults ($StoredAWSRegion, $StoredAWSCredentials): below the parameters, above the environment.
    [Fact]
    public void Session_defaults_come_after_the_parameters_and_before_the_environment()
    {
        var session = new S3ConnectionSettings { SessionRegion = "eu-north-1", SessionAccessKey = "AKIASESSION000000001", SessionSecretKey = "session-secret" };
        var connection = Resolve(session, EverythingSet);
        Assert.Equal(("eu-north-1", "$StoredAWSRegion (Set-DefaultAWSRegion)"), (connection.Region, connection.RegionSource));
        Assert.Equal("AKIASESSION000000001", connection.Credentials.GetCredentials().AccessKey);
        Assert.StartsWith("keys in $StoredAWSCredentials", connection.CredentialSource);

        // -Region and the -ProfileName profile's region win over $StoredAWSRegion; -ProfileName over the stored keys.
        var named = Resolve(new S3ConnectionSettings { ProfileName = "ml-admin", SessionRegion = "eu-north-1", SessionAccessKey = "AKIASESSION000000001", SessionSecretKey = "s" }, EverythingSet);
        Assert.Equal(("eu-west-1", "profile 'ml-admin'"), (named.Region, named.RegionSource));
        Assert.Equal("AKIAPROFILE000000001", named.Credentials.GetCredentials().AccessKey);
        Assert.Equal("us-west-2", Resolve(new S3ConnectionSettings { Region = "us-west-2", SessionRegion = "eu-north-1" }, EverythingSet).Region);

        // A profile name in $StoredAWSCredentials names the profile (before AWS_PROFILE); its region comes after $StoredAWSRegion.
        var stored = Resolve(new S3ConnectionSettings { SessionProfileName = "ml-admin", SessionRegion = "eu-north-1" }, EverythingSet);
        Assert.Equal("profile 'ml-admin' ($StoredAWSCredentials)", stored.CredentialSource);
        Assert.Equal("eu-north-1", stored.Region);
        Assert.Equal("eu-west-1", Resolve(new S3ConnectionSettings { SessionProfileName = "ml-admin" }, new Dictionary<string, string>()).Region);
        var missing = Assert.Throws<MlLayoutException>(() => Resolve(new S3ConnectionSettings { SessionProfileName = "absent" }, EverythingSet));
        Assert.Equal("ProfileNotFound", missing.ErrorId);
        Assert.Contains("$StoredAWSCredentials", missing.Message);
    }
}
