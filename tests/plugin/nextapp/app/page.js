export default function Home() {
  return <p>authcheck plugin test app</p>;
}
