using System.Collections.Generic;
using System.Threading.Tasks;
using ThriftFaultProxy.V1;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>
/// Tests that define scenarios of their own on the shared proxy: each starts from a reset proxy, and every scenario
/// it defined is deleted afterwards, so definitions never leak into another test.
/// </summary>
public abstract class DefinedScenarioTestBase(ProxyWithUpstreamsFixture fixture) : IAsyncLifetime
{
    private readonly List<string> defined = [];

    protected ProxyWithUpstreamsFixture Fixture => fixture;

    protected ProxyControlClient Control => fixture.Control;

    public Task InitializeAsync() => fixture.ResetAsync();

    public async Task DisposeAsync()
    {
        foreach (var name in defined)
        {
            try { await Control.DeleteScenarioAsync(name); }
            catch (ScenarioNotFoundException) { }
        }
        await fixture.ResetAsync();
    }

    /// <summary>A scenario the test defines itself is deleted after it.</summary>
    protected void DeleteAfterTest(string name) => defined.Add(name);

    /// <summary>Defines the scenario (disarmed) and remembers it for deletion.</summary>
    protected async Task<Scenario> DefineAsync(ScenarioBuilder builder)
    {
        var definition = builder.Build();
        DeleteAfterTest(definition.Name);
        var response = await Control.DefineScenarioAsync(definition);
        return response.Scenario;
    }
}
