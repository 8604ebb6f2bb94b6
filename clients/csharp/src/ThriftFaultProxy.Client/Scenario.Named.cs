using ThriftFaultProxy.Client;

namespace ThriftFaultProxy.V1
{
    // The generated Scenario message (a scenario and its state) also starts a definition, so that
    // `Scenario.Named(...)` reads naturally without a second type named Scenario to collide with it.
    public sealed partial class Scenario
    {
        /// <summary>
        /// Starts the definition of a scenario of your own, e.g.
        /// <c>Scenario.Named("fetch_503").OnThrift("FetchResults").Respond(503, retryAfter: TimeSpan.FromSeconds(3))</c>;
        /// define it with <see cref="ProxyControlClient.DefineScenarioAsync"/>, then arm it with EnableScenarioAsync.
        /// </summary>
        /// <param name="name">1 to 100 letters, digits, '_', '-' or '.'; not a built-in scenario's name.</param>
        public static ScenarioBuilder Named(string name) => new ScenarioBuilder(name);
    }
}
