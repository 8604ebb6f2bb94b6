using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ThriftFaultProxy.Client;
using Xunit;

namespace ThriftFaultProxy.Testing
{
    /// <summary>
    /// An xunit class or collection fixture that runs one proxy for the tests sharing it. Derive and override
    /// <see cref="CreateOptionsAsync"/> to map hosts to upstreams the fixture starts first, or to enable the fake
    /// warehouse. Tests sharing a proxy should call <see cref="ResetAsync"/> first: scenarios and history are global.
    /// </summary>
    public class ProxyFixture : IAsyncLifetime
    {
        private ProxyProcess? proxy;

        /// <summary>The running proxy.</summary>
        public ProxyProcess Proxy => proxy ?? throw new InvalidOperationException("The proxy fixture has not been initialized.");

        /// <summary>Client of the proxy's control API.</summary>
        public ProxyControlClient Control => Proxy.Control;

        /// <summary>Starts the proxy.</summary>
        public virtual async Task InitializeAsync()
        {
            var options = await CreateOptionsAsync().ConfigureAwait(false);
            proxy = await ProxyProcess.StartAsync(options).ConfigureAwait(false);
        }

        /// <summary>Stops the proxy.</summary>
        public virtual async Task DisposeAsync()
        {
            if (proxy != null) await proxy.DisposeAsync().ConfigureAwait(false);
        }

        /// <summary>Disarms every scenario and clears the call history.</summary>
        public async Task ResetAsync(CancellationToken cancellationToken = default)
        {
            await Control.DisableAllScenariosAsync(cancellationToken).ConfigureAwait(false);
            await Control.ResetCallsAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The options the proxy starts with; the default is an isolated proxy on ephemeral ports.</summary>
        protected virtual Task<ProxyProcessOptions> CreateOptionsAsync() => Task.FromResult(new ProxyProcessOptions());
    }

    /// <summary>A <see cref="ProxyFixture"/> whose proxy also runs the embedded fake Databricks SQL warehouse.</summary>
    public class FakeWarehouseProxyFixture : ProxyFixture
    {
        /// <summary>The fake warehouse's address, path and test token.</summary>
        public FakeWarehouseInfo Warehouse => Proxy.Warehouse ?? throw new InvalidOperationException("The proxy did not report a fake warehouse.");

        /// <summary>Every ADBC property the driver needs to query the fake warehouse through the proxy (<see cref="ProxyProcess.WarehouseConnectionProperties"/>).</summary>
        public Dictionary<string, string> WarehouseConnectionProperties() => Proxy.WarehouseConnectionProperties();

        /// <inheritdoc />
        protected override Task<ProxyProcessOptions> CreateOptionsAsync() => Task.FromResult(new ProxyProcessOptions { FakeWarehouse = true });
    }
}
