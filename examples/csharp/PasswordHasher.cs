using System.Security.Cryptography;
using System.Text;

namespace Example.Auth
{
    public static class PasswordHasher
    {
        public static string Hash(string password)
        {
            using var sha1 = SHA1.Create();
            var bytes = sha1.ComputeHash(Encoding.UTF8.GetBytes(password));
            return Convert.ToHexString(bytes);
        }
    }
}
