using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Darkstar.Testing;

namespace Darkstar.Mqtt.Tests.Support;

/// <summary>
/// A certificate authority of a test's own and a broker certificate it signs for 127.0.0.1, written as PEM files: the
/// CA file Darkstar trusts, and the certificate and key mosquitto serves. Valid from a day ago for a month of real
/// time, because TLS checks validity against the machine's clock.
/// </summary>
public sealed record TestCertificateAuthority(string CaFile, string BrokerCertificateFile, string BrokerKeyFile)
{
    public static TestCertificateAuthority Create(TempDirectory folder, string name)
    {
        var now = TimeProvider.System.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var brokerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var brokerRequest = new CertificateRequest("CN=127.0.0.1", brokerKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        brokerRequest.CertificateExtensions.Add(names.Build());
        brokerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        brokerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        brokerRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        brokerRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var broker = brokerRequest.Create(ca, now.AddDays(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(8));

        var authority = new TestCertificateAuthority(folder.File($"{name}-ca.pem"), folder.File($"{name}-broker.pem"), folder.File($"{name}-broker.key"));
        File.WriteAllText(authority.CaFile, ca.ExportCertificatePem());
        File.WriteAllText(authority.BrokerCertificateFile, broker.ExportCertificatePem());
        File.WriteAllText(authority.BrokerKeyFile, brokerKey.ExportPkcs8PrivateKeyPem());
        return authority;
    }
}
