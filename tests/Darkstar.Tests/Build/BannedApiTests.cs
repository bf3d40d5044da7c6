using Darkstar.Testing;

namespace Darkstar.Tests.Build;

/// <summary>
/// Builds a throwaway project under the same settings as src/ and checks that reading the clock
/// or sleeping a thread breaks the build, so the ban cannot quietly fall away.
/// </summary>
public class BannedApiTests
{
    [Fact]
    public async Task Build_SourceReadingTheClock_FailsWithRS0030()
    {
        using var temp = new TempDirectory();
        var src = RepositoryRoot.File("src");
        await File.WriteAllTextAsync(temp.File("Directory.Build.props"),
            $"<Project><Import Project=\"{Path.Combine(src, "Directory.Build.props")}\" /></Project>");
        await File.WriteAllTextAsync(temp.File("Directory.Packages.props"),
            $"<Project><Import Project=\"{RepositoryRoot.File("Directory.Packages.props")}\" /></Project>");
        await File.WriteAllTextAsync(temp.File("Probe.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>");
        await File.WriteAllTextAsync(temp.File("Probe.cs"), """
            namespace Probe;
            public static class Clock
            {
                public static DateTimeOffset Utc() => DateTimeOffset.UtcNow;
                public static DateTimeOffset Local() => DateTimeOffset.Now;
                public static DateTime UtcDateTime() => DateTime.UtcNow;
                public static DateTime LocalDateTime() => DateTime.Now;
                public static void Wait() => Thread.Sleep(10);
                public static void WaitSpan() => Thread.Sleep(TimeSpan.FromSeconds(1));
            }
            """);

        var result = await ProcessRunner.RunAsync(
            "dotnet",
            ["build", "-nologo", "-v", "quiet", "-clp:ErrorsOnly"],
            workingDirectory: temp.Path,
            environment: new Dictionary<string, string?> { ["MSBUILDDISABLENODEREUSE"] = "1" });
        var output = result.Output + result.Error;

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("RS0030", output, StringComparison.Ordinal);
        foreach (var line in new[] { 4, 5, 6, 7, 8, 9 })
        {
            // Each banned use is reported on its own line of Probe.cs.
            Assert.Contains($"Probe.cs({line},", output, StringComparison.Ordinal);
        }
    }
}
