using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Operations;

/// <summary>
/// An operator without a proxy in front serves HTTPS with Kestrel's own configuration (a certificate file named in
/// <c>Kestrel:Certificates:Default</c>), which the host's slim builder keeps.
/// </summary>
public sealed class HttpsTests
{
    [Fact]
    public async Task The_server_answers_over_https_with_the_certificate_its_configuration_names()
    {
        var dir = Path.Combine(Path.GetTempPath(), "anvil-https-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        try
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=anvil.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var pfx = Path.Combine(dir, "anvil.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));

            await using var app = AnvilApp.Build([], new Dictionary<string, string?>
            {
                ["urls"] = "https://127.0.0.1:0",
                ["Kestrel:Certificates:Default:Path"] = pfx,
                ["Kestrel:Certificates:Default:Password"] = "pfx-password",
                ["ANVIL_DATA_DIR"] = dir,
                ["ANVIL_MAINTENANCE_INTERVAL_SECONDS"] = "0",
            });
            await AnvilApp.StartAsync(app);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            Assert.Equal("https", address.Scheme);

            X509Certificate2? presented = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                {
                    presented = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.RawData);
                    return true;
                },
            };
            using var client = new HttpClient(handler) { BaseAddress = address };
            using var response = await client.GetAsync("/api/v1/meta");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(certificate.Thumbprint, presented?.Thumbprint);
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
