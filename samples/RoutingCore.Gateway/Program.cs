using RoutingCore.Gateway;

// The reference gateway: http://127.0.0.1:5080 on the embedded default catalog unless configured (see README.md).
var app = GatewayApp.Create(args);
await GatewayApp.InitializeAsync(app);
await app.RunAsync();
