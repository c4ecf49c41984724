using System.Collections;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.S3;

/// <summary>Commands of one session share a connection only while everything its resolution read is unchanged.</summary>
public sealed class S3ConnectionCacheTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _credentials;
    private readonly Dictionary<string, string> _environment;

    public S3ConnectionCacheTests()
    {
        _credentials = _temp.WriteFile("credentials", "[ml-admin]\naws_access_key_id = AKIAPROFILE000000001\naws_secret_access_key = profile-secret\nregion = eu-west-1\n");
        // HOME points into the test's directory, so the shared files stamped are the test's own (absent) ones.
        _environment = new Dictionary<string, string> { ["HOME"] = _temp.PathOf("home"), ["AWS_REGION"] = "us-east-2" };
    }

    public void Dispose() => _temp.Dispose();

    private S3Connection Resolve(S3ConnectionSettings? settings = null, int inFlight = 0, List<string>? lines = null) =>
        S3ConnectionCache.Resolve(settings ?? new S3ConnectionSettings { ProfileName = "ml-admin", ProfileLocation = _credentials, EndpointUrl = "http://127.0.0.1:9" },
            inFlight, lines == null ? null : lines.Add,
            name => _environment.TryGetValue(name, out var value) ? value : null, () => new Hashtable(_environment));

    [Fact]
    public void The_same_settings_in_the_same_environment_share_one_connection_and_say_so()
    {
        var first = Resolve();
        var lines = new List<string>();

        var second = Resolve(lines: lines);

        Assert.Same(first, second);
        Assert.Contains(lines, l => l.StartsWith("Credentials: profile 'ml-admin'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Connection: reused", StringComparison.Ordinal));
    }

    [Fact]
    public void An_AWS_environment_variable_set_since_resolves_afresh()
    {
        var first = Resolve();
        _environment["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:10";

        var second = Resolve();

        Assert.NotSame(first, second);
    }

    [Fact]
    public void A_profile_file_edited_since_resolves_afresh_with_what_it_says_now()
    {
        var first = Resolve();
        File.WriteAllText(_credentials, "[ml-admin]\naws_access_key_id = AKIAPROFILE000000002\naws_secret_access_key = rotated-secret\nregion = ap-south-1\n");
        File.SetLastWriteTimeUtc(_credentials, DateTime.UtcNow.AddMinutes(1));

        var second = Resolve();

        Assert.NotSame(first, second);
        Assert.Equal("eu-west-1", first.Region);
        Assert.Equal("ap-south-1", second.Region);
    }

    [Fact]
    public void A_shared_config_file_appearing_in_the_home_directory_resolves_afresh()
    {
        var first = Resolve();
        Directory.CreateDirectory(_temp.PathOf("home", ".aws"));
        File.WriteAllText(_temp.PathOf("home", ".aws", "config"), "[default]\nregion = eu-north-1\n");

        Assert.NotSame(first, Resolve());
    }

    [Fact]
    public void A_command_that_keeps_more_requests_in_flight_gets_a_connection_sized_for_them()
    {
        var usual = Resolve();
        var wide = Resolve(inFlight: 200);

        Assert.NotSame(usual, wide);
        Assert.Equal(64, usual.MaxConnections);
        Assert.Equal(200, wide.MaxConnections);
        Assert.Same(wide, Resolve(inFlight: 200));
    }

    [Fact]
    public void Settings_that_do_not_resolve_throw_every_time_and_keep_nothing()
    {
        var settings = new S3ConnectionSettings { ProfileName = "missing", ProfileLocation = _credentials };

        Assert.Equal("ProfileNotFound", Assert.Throws<MlLayoutException>(() => Resolve(settings)).ErrorId);
        Assert.Equal("ProfileNotFound", Assert.Throws<MlLayoutException>(() => Resolve(settings)).ErrorId);
    }

    [Fact]
    public void Different_keys_never_share_even_when_only_a_secret_differs()
    {
        var one = Resolve(new S3ConnectionSettings { AccessKey = "AKIAONE", SecretKey = "secret-a", EndpointUrl = "http://127.0.0.1:9" });
        var other = Resolve(new S3ConnectionSettings { AccessKey = "AKIAONE", SecretKey = "secret-b", EndpointUrl = "http://127.0.0.1:9" });

        Assert.NotSame(one, other);
    }
}
